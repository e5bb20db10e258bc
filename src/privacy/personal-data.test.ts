import { describe, expect, it } from 'vitest';
import { containsEmailAddress, maskEmailAddresses, maskPersonalData } from './personal-data.js';

describe('containsEmailAddress', () => {
  it.each([
    'ann@example.com',
    ' Ann@Example.COM ',
    'ann@exämple.de',
    'Ann <ann@example.com>',
    'mailto:ann@example.com',
    'ann@example.com;',
  ])('sees an address in %j', (text) => {
    expect(containsEmailAddress(text)).toBe(true);
  });

  it.each(['email', 'E-mail', 'Email Address', '@handle', 'twitter@', 'Contact @ work', 'ann@localhost', ''])('sees none in %j', (text) => {
    expect(containsEmailAddress(text)).toBe(false);
  });

  it('answers the same when called twice (no state left in the pattern)', () => {
    expect([containsEmailAddress('a@b.co'), containsEmailAddress('a@b.co')]).toEqual([true, true]);
  });
});

describe('maskEmailAddresses', () => {
  it.each([
    ['ann@example.com', '<email address>'],
    ['Ann <ann@example.com>', 'Ann <<email address>>'],
    ['ann@example.com; bob@example.org', '<email address>; <email address>'],
    ['First Name', 'First Name'],
  ])('masks %j as %j', (text, masked) => {
    expect(maskEmailAddresses(text)).toBe(masked);
  });
});

describe('maskPersonalData', () => {
  it.each([
    ['ann@example.com', '<email address>'],
    ['+14155550123', '<phone number>'],
    ['+1 (415) 555-0123', '<phone number>'],
    ['(415) 555-0123', '<phone number>'],
    ['Mobile 0151 12345678', 'Mobile <phone number>'],
    ['Ann <ann@example.com>, +49 30 1234567', 'Ann <<email address>>, <phone number>'],
    ['First Name', 'First Name'],
    ['column 12', 'column 12'],
    ['Address 2', 'Address 2'],
    ['ZIP 02108', 'ZIP 02108'],
  ])('masks %j as %j', (text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });
});
