import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../errors.js';
import { findEmailColumn, resolveMapping, type MappingRequest } from './mapping-spec.js';

function usageErrorOf(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('findEmailColumn', () => {
  it.each(['email', 'Email', 'EMAIL', 'EmailAddress', 'e-mail', 'E-Mail', 'email_address', 'Email Address', 'e_mail', ' email '])(
    'finds %j among other columns',
    (column) => {
      expect(findEmailColumn(['id', 'First Name', column, 'emails_sent'], 'segment.csv')).toBe(column);
    },
  );

  it.each(['emails', 'email2', 'mail', 'work_email', 'Email Opt In'])('does not take %j for an email column', (column) => {
    expect(() => findEmailColumn([column], 'segment.csv')).toThrow(UsageError);
  });

  it('lists the columns found when none looks like an email', () => {
    const error = usageErrorOf(() => findEmailColumn(['id', 'name', 'phone'], 'segment.csv'));
    expect(error.message).toBe(
      'No email column found in segment.csv: none is named like "email" and none holds email addresses; columns: id, name, phone. Name it with --email-field.',
    );
  });

  it('says (none) for a file without columns', () => {
    expect(usageErrorOf(() => findEmailColumn([], 'empty.json')).message).toContain('columns: (none).');
  });

  it('shortens a very long column list', () => {
    const columns = Array.from({ length: 40 }, (_, index) => `c${index}`);
    const { message } = usageErrorOf(() => findEmailColumn(columns, 'wide.json'));
    expect(message).toContain('c29 and 10 more.');
    expect(message).not.toContain('c30');
  });

  it('refuses to guess between several email-like columns', () => {
    const error = usageErrorOf(() => findEmailColumn(['Email', 'name', 'email_address'], 'segment.csv'));
    expect(error.message).toBe('Several columns look like an email (Email, email_address) in segment.csv; choose one with --email-field.');
  });
});

describe('resolveMapping', () => {
  const columns = ['Email', 'Work Email', 'First Name', 'Last', 'City', 'Tier', 'a=b', 'Phone'];
  const resolve = (request: Partial<MappingRequest>) => resolveMapping(columns, { maps: [], ...request }, 'segment.csv');

  it('uses --email-field when given, even with several email-like columns', () => {
    expect(resolve({ emailField: 'Work Email' }).emailColumn).toBe('Work Email');
    expect(resolveMapping(['Email', 'email_address'], { emailField: 'email_address', maps: [] }, 'f.csv').emailColumn).toBe(
      'email_address',
    );
  });

  it('finds the email column by name without --email-field', () => {
    expect(resolve({}).emailColumn).toBe('Email');
  });

  it('refuses an --email-field that is not a column, listing the columns', () => {
    expect(usageErrorOf(() => resolve({ emailField: 'mail' })).message).toBe(
      'Column "mail" given to --email-field is not in segment.csv; columns: Email, Work Email, First Name, Last, City, Tier, a=b, Phone.',
    );
  });

  it('maps profile fields, location fields and custom properties in the order given', () => {
    const mapping = resolve({
      maps: ['first_name=First Name', 'location.city=City', 'properties.tier=Tier', 'phone_number=Phone'],
    });
    expect(mapping.fields).toEqual([
      { target: 'first_name', column: 'First Name' },
      { target: 'location.city', column: 'City' },
      { target: 'properties.tier', column: 'Tier' },
      { target: 'phone_number', column: 'Phone' },
    ]);
  });

  it.each([
    ['properties.x=a=b', { target: 'properties.x', column: 'a=b' }],
    [' last_name = Last', { target: 'last_name', column: 'Last' }],
    ['properties. Loyalty Tier =Tier', { target: 'properties.Loyalty Tier', column: 'Tier' }],
    ['properties.a.b=Tier', { target: 'properties.a.b', column: 'Tier' }],
    ['external_id=Email', { target: 'external_id', column: 'Email' }],
  ])('reads --map %j', (map, expected) => {
    expect(resolve({ maps: [map] }).fields).toEqual([expected]);
  });

  it.each([
    ['first_name', /has no "="; write it as <klaviyo-field>=<column>/],
    ['first_name=', /names no column/],
    ['email=Email', /name its column with --email-field/],
    ['Email=Email', /name its column with --email-field/],
    ['properties.=Tier', /names no custom property/],
    ['properties.  =Tier', /names no custom property/],
    ['properties.__proto__=Tier', /__proto__ cannot be a custom property name/],
    [
      'firstname=First Name',
      /"firstname" is not a Klaviyo profile field; valid fields: first_name, last_name, .*location\.city.*properties\.<name>\./,
    ],
    ['location.latitude=City', /"location.latitude" is not a Klaviyo profile field/],
    ['location=City', /"location" is not a Klaviyo profile field/],
    ['first_name=Given Name', /Column "Given Name" in --map "first_name=Given Name" is not in segment.csv; columns: Email, /],
  ])('refuses --map %j', (map, message) => {
    expect(usageErrorOf(() => resolve({ maps: [map] })).message).toMatch(message);
  });

  it('refuses the same Klaviyo field mapped twice', () => {
    const error = usageErrorOf(() => resolve({ maps: ['first_name=First Name', 'first_name=Last'] }));
    expect(error.message).toBe('first_name is mapped twice with --map; keep one --map first_name=<column>.');
  });

  it('allows one column to feed several fields', () => {
    expect(resolve({ maps: ['external_id=Email', 'properties.contact=Email'] }).fields).toHaveLength(2);
  });

  it.each([
    ['DE', 'DE'],
    ['gb', 'GB'],
    [' us ', 'US'],
  ])('accepts --default-country %j as %s', (given, expected) => {
    expect(resolve({ defaultCountry: given }).defaultCountry).toBe(expected);
  });

  it('leaves defaultCountry out when none is given', () => {
    expect(resolve({})).not.toHaveProperty('defaultCountry');
  });

  it.each(['XX', 'Germany', 'DEU', ''])('refuses --default-country %j', (country) => {
    expect(usageErrorOf(() => resolve({ defaultCountry: country })).message).toMatch(
      /is not a known country code; use an ISO 3166-1 alpha-2 code such as US, GB or DE\.$/,
    );
  });
});

describe('resolveMapping: a first line that is data, not a header', () => {
  const refusal =
    'The first line of x.csv looks like data (a column name is an email address), not a header: add a header line such as `email` as the first line, or pass --no-header and name the columns by number (--email-field 1).';

  it.each([
    ['a plain list of emails', ['ann@example.com'], {}],
    ['the same with --email-field naming the address', ['ann@example.com'], { emailField: 'ann@example.com' }],
    ['a data row with other columns', ['Ann', 'ann@example.com', 'Lee'], {}],
    ['a data row even with a real email column beside it', ['email', 'bob@example.com'], { emailField: 'email' }],
    ['an address that is not quite valid', ['ann@exämple.de'], {}],
  ])('refuses %s, without echoing the address', (_case, columns, request) => {
    const error = usageErrorOf(() => resolveMapping(columns, { maps: [], ...request }, 'x.csv'));
    expect(error.message).toBe(refusal);
  });

  it.each([['@handle'], ['Contact @ work'], ['Twitter@']])('accepts a column name with a lone @: %j', (column) => {
    expect(resolveMapping(['email', column], { maps: [] }, 'x.csv').emailColumn).toBe('email');
  });
});

describe('resolveMapping: column names ignore case as a last resort', () => {
  const resolve = (columns: string[], request: Partial<MappingRequest>) => resolveMapping(columns, { maps: [], ...request }, 'segment.csv');

  it('takes the one column that matches once case is ignored', () => {
    expect(resolve(['E-mail', 'Name'], { emailField: 'e-mail' }).emailColumn).toBe('E-mail');
    expect(resolve(['email', 'Name'], { maps: ['first_name=name'] }).fields).toEqual([{ target: 'first_name', column: 'Name' }]);
    expect(resolve(['email', ' Name '], { maps: ['first_name=NAME'] }).fields).toEqual([{ target: 'first_name', column: ' Name ' }]);
  });

  it('prefers an exact match over a case-insensitive one', () => {
    expect(resolve(['email', 'Name', 'name'], { maps: ['first_name=name'] }).fields).toEqual([{ target: 'first_name', column: 'name' }]);
  });

  it('refuses to guess between several case-insensitive matches, naming them', () => {
    const error = usageErrorOf(() => resolve(['email', 'Name', 'NAME'], { maps: ['first_name=name'] }));
    expect(error.message).toBe(
      'Column "name" in --map "first_name=name" matches several columns when case and surrounding spaces are ignored ("Name", "NAME"); write one of them exactly.',
    );
  });

  it('refuses to guess between several columns that differ only in surrounding spaces', () => {
    const error = usageErrorOf(() => resolve(['Email ', ' Email'], { emailField: 'Email' }));
    expect(error.message).toMatch(/matches several columns when surrounding spaces are ignored \("Email ", " Email"\)/);
  });
});

describe('listColumns in messages', () => {
  it('masks anything email-like among the columns it lists', () => {
    const error = usageErrorOf(() => findEmailColumn(['id', 'Ann <ann@example.com>'], 'segment.csv'));
    expect(error.message).toBe(
      'No email column found in segment.csv: none is named like "email" and none holds email addresses; columns: id, Ann <<email address>>. Name it with --email-field.',
    );
  });
});
