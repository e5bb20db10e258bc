import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { describeEmailColumnChoice, findEmailColumn } from './find-email-column.js';

const rows = (...fields: Record<string, unknown>[]) => fields.map((row) => ({ fields: row }));

/** `count` rows where `column` holds an email in all but `misses` of them (those hold `miss`). */
function sampleOf(column: string, count: number, misses: number, miss: unknown = 'n/a'): { fields: Record<string, unknown> }[] {
  return Array.from({ length: count }, (_, index) => ({
    fields: { id: String(index), [column]: index < misses ? miss : `user${index}@example.com`, note: 'hi' },
  }));
}

describe('findEmailColumn by the values of the first rows', () => {
  it('takes the one column whose non-blank values are at least 90% email addresses', () => {
    expect(findEmailColumn(['id', 'PrimaryEmail', 'note'], 'cdp.csv', sampleOf('PrimaryEmail', 100, 10))).toBe('PrimaryEmail');
  });

  it('not below 90%', () => {
    expect(() => findEmailColumn(['id', 'PrimaryEmail', 'note'], 'cdp.csv', sampleOf('PrimaryEmail', 100, 11))).toThrow(
      /No email column found in cdp\.csv: none is named like "email" and none holds email addresses/,
    );
  });

  it('blank values do not count against a column; a column of blanks only is not an email column', () => {
    const sample = rows({ Contact: '' }, { Contact: 'ann@example.com', Empty: '' }, { Contact: '  ', Empty: null }, { Contact: null });
    expect(findEmailColumn(['Empty', 'Contact'], 'f.json', sample)).toBe('Contact');
  });

  it('JSON values that are not text count as non-emails', () => {
    const sample = rows({ contact: 'ann@example.com' }, { contact: 42 }, { contact: { nested: 'bob@example.com' } });
    expect(() => findEmailColumn(['contact'], 'f.json', sample)).toThrow(UsageError);
  });

  it('two or more such columns stop the run, naming them', () => {
    const sample = rows({ Primary: 'a@example.com', Secondary: 'b@example.com', id: '1' });
    expect(() => findEmailColumn(['id', 'Primary', 'Secondary'], 'cdp.csv', sample)).toThrow(
      'Several columns hold email addresses (Primary, Secondary) in cdp.csv and none is named like "email"; choose one with --email-field.',
    );
  });

  it('a column named like "email" wins over the values', () => {
    const sample = rows({ Email: 'not an address', Contact: 'ann@example.com' });
    expect(findEmailColumn(['Contact', 'Email'], 'f.csv', sample)).toBe('Email');
  });
});

describe('describeEmailColumnChoice', () => {
  it('names a column found by its values, and nothing else', () => {
    expect(describeEmailColumnChoice('PrimaryEmail', undefined)).toBe(
      'Using column "PrimaryEmail" as the email column: no column is named like "email" and its values are email addresses (choose another with --email-field).',
    );
    expect(describeEmailColumnChoice('E-Mail', undefined)).toBeUndefined();
    expect(describeEmailColumnChoice('PrimaryEmail', 'PrimaryEmail')).toBeUndefined();
  });
});
