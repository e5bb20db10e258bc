import { describe, expect, it } from 'vitest';
import { createRecordMapper } from './map-record.js';

// Checked through the mapper: what matters is whether a row is sent or rejected, and why.
const mapRecord = createRecordMapper({ emailColumn: 'Email', fields: [] });
const outcomeFor = (email: unknown) => mapRecord({ line: 2, fields: { Email: email } });

const local64 = 'a'.repeat(64);
const label63 = 'd'.repeat(63);
// 64 + 1 + (63 + 1) * 2 + 61 = 254 characters.
const longest = `${local64}@${label63}.${label63}.${'e'.repeat(57)}.com`;

describe('email addresses', () => {
  it('builds the length limits it tests', () => {
    expect(longest).toHaveLength(254);
  });

  it.each([
    ['plain', 'jane@example.com'],
    ['subdomain', 'jane.doe@mail.example.co.uk'],
    ['plus tag', 'jane+news@example.com'],
    ['upper case', 'Jane.Doe@Example.COM'],
    ['digits', '1234@example.com'],
    ['apostrophe', "o'brien@example.ie"],
    ['dot-atom specials', "a!#$%&'*+/=?^_`{|}~-z@example.com"],
    ['hyphen inside a label', 'jane@my-shop.example'],
    ['digits in the domain', 'jane@123shop.io'],
    ['one-letter labels', 'a@b.co'],
    ['punycode domain', 'jane@xn--mnchen-3ya.de'],
    ['punycode TLD', 'jane@example.xn--p1ai'],
    ['64-character local part', `${local64}@example.com`],
    ['63-character label', `jane@${label63}.com`],
    ['254 characters in all', longest],
    ['surrounding spaces are trimmed', '  jane@example.com\t'],
    ['long TLD', 'jane@example.photography'],
  ])('sends %s: %j', (_case, email) => {
    expect(outcomeFor(email).kind).toBe('profile');
  });

  it.each([
    ['no @', 'jane.example.com'],
    ['two @', 'jane@doe@example.com'],
    ['empty local part', '@example.com'],
    ['space in the local part', 'jane doe@example.com'],
    ['space in the domain', 'jane@exa mple.com'],
    ['no dot in the domain', 'jane@localhost'],
    ['empty domain', 'jane@'],
    ['leading dot', '.jane@example.com'],
    ['trailing dot in the local part', 'jane.@example.com'],
    ['consecutive dots in the local part', 'jane..doe@example.com'],
    ['consecutive dots in the domain', 'jane@example..com'],
    ['domain starting with a dot', 'jane@.example.com'],
    ['domain ending with a dot', 'jane@example.com.'],
    ['label starting with a hyphen', 'jane@-shop.example.com'],
    ['label ending with a hyphen', 'jane@shop-.example.com'],
    ['one-letter TLD', 'jane@example.c'],
    ['numeric TLD', 'jane@example.123'],
    ['IP literal', 'jane@[192.168.0.1]'],
    ['quoted local part', '"jane doe"@example.com'],
    ['comma', 'jane,doe@example.com'],
    ['two addresses', 'jane@example.com; joe@example.com'],
    ['display name', 'Jane <jane@example.com>'],
    ['parentheses', 'jane(comment)@example.com'],
    ['non-ASCII local part', 'jöhn@example.com'],
    ['non-ASCII domain', 'jane@bücher.de'],
    ['underscore in the domain', 'jane@my_shop.com'],
    ['65-character local part', `a${local64}@example.com`],
    ['64-character label', `jane@${label63}d.com`],
    ['255 characters in all', `${longest.slice(0, -4)}x.com`],
    ['newline inside', 'jane@exam\nple.com'],
    ['a number from JSON', 12345],
    ['an object from JSON', { address: 'jane@example.com' }],
  ])('rejects %s as invalid_email', (_case, email) => {
    expect(outcomeFor(email)).toMatchObject({ kind: 'rejected', reason: 'invalid_email', line: 2 });
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['null', null],
    ['missing', undefined],
  ])('rejects %s as blank_email', (_case, email) => {
    expect(outcomeFor(email)).toMatchObject({ kind: 'rejected', reason: 'blank_email', line: 2 });
  });

  it('keeps the address as given and dedupes on its lower case', () => {
    expect(outcomeFor(' Jane.Doe@Example.COM ')).toMatchObject({
      email: 'Jane.Doe@Example.COM',
      dedupeKey: 'jane.doe@example.com',
    });
  });
});
