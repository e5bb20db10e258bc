import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { resolveMapping, type MappingRequest, type SourceTraits } from './mapping-spec.js';

const SHOPIFY = ['Customer ID', 'First Name', 'Email', 'Accepts Email Marketing', 'Default Address City', 'Phone', 'Total Spent', ' Tags '];
const DEFAULTS: MappingRequest = { maps: [], mapsKnownColumns: true, sendsOtherColumns: true };

function resolve(columns: readonly string[], request: Partial<MappingRequest> = {}, file: SourceTraits = {}) {
  return resolveMapping(columns, { ...DEFAULTS, ...request }, 'customers.csv', file);
}

describe('resolveMapping: columns mapped by their names', () => {
  it('maps the well-known columns and sends the others as properties under their trimmed names', () => {
    const mapping = resolve(SHOPIFY);
    expect(mapping.fields).toEqual([
      { target: 'first_name', column: 'First Name', isDefault: true },
      { target: 'phone_number', column: 'Phone', isDefault: true },
      { target: 'external_id', column: 'Customer ID', isDefault: true },
      { target: 'location.city', column: 'Default Address City', isDefault: true },
    ]);
    expect(mapping.propertyColumns).toEqual([
      { column: 'Accepts Email Marketing', name: 'Accepts Email Marketing' },
      { column: 'Total Spent', name: 'Total Spent' },
      { column: ' Tags ', name: 'Tags' },
    ]);
    expect(mapping).toMatchObject({ infersPropertyTypes: true, sendsLaterKeys: false, unsentColumns: [] });
  });

  it('lets --map win for its field and for its column', () => {
    const mapping = resolve(SHOPIFY, { maps: ['phone_number=Default Address City', 'properties.spent=Total Spent'] });
    expect(mapping.fields).toEqual([
      { target: 'phone_number', column: 'Default Address City' },
      { target: 'properties.spent', column: 'Total Spent' },
      { target: 'first_name', column: 'First Name', isDefault: true },
      { target: 'external_id', column: 'Customer ID', isDefault: true },
    ]);
    // Phone is not a phone number here (--map chose another column), so it is a property; Total Spent is sent once, as "spent".
    expect(mapping.propertyColumns.map((property) => property.column)).toEqual(['Accepts Email Marketing', 'Phone', ' Tags ']);
  });

  it("sends the consent options' columns nowhere else, and says why", () => {
    const mapping = resolve(SHOPIFY, { reservedColumns: ['accepts email marketing'] });
    expect(mapping.reservedColumns).toEqual(['Accepts Email Marketing']);
    expect(mapping.propertyColumns.map((property) => property.column)).not.toContain('Accepts Email Marketing');
    expect(mapping.unsentColumns).toEqual([{ column: 'Accepts Email Marketing', reason: 'consent-option' }]);
  });

  it('maps only --map without mapsKnownColumns, and sends no property without sendsOtherColumns', () => {
    const mapping = resolve(SHOPIFY, { mapsKnownColumns: false, sendsOtherColumns: false, maps: ['last_name=Tags'] });
    expect(mapping.fields).toEqual([{ target: 'last_name', column: ' Tags ' }]);
    expect(mapping.propertyColumns).toEqual([]);
    expect(mapping.unsentColumns.map(({ column, reason }) => `${column}:${reason}`)).toEqual([
      'Customer ID:no-properties',
      'First Name:no-properties',
      'Accepts Email Marketing:no-properties',
      'Default Address City:no-properties',
      'Phone:no-properties',
      'Total Spent:no-properties',
    ]);
  });

  it('sends properties without mapping by name', () => {
    const mapping = resolve(['Email', 'First Name', 'Tier'], { mapsKnownColumns: false });
    expect(mapping.fields).toEqual([]);
    expect(mapping.propertyColumns.map((property) => property.name)).toEqual(['First Name', 'Tier']);
  });

  it('maps and sends nothing by name in a file without a header', () => {
    const mapping = resolve(['1', '2', '3'], { emailField: '1', maps: ['first_name=2'] }, { hasHeader: false });
    expect(mapping.fields).toEqual([{ target: 'first_name', column: '2' }]);
    expect(mapping.propertyColumns).toEqual([]);
    expect(mapping.unsentColumns).toEqual([{ column: '3', reason: 'no-header' }]);
  });

  it('does not send a header cell left empty, nor a second column of the same trimmed name', () => {
    const mapping = resolve(['Email', 'column 2', 'Tier', 'Tier ', 'tier'], { maps: ['properties.tier=Email'] });
    expect(mapping.propertyColumns).toEqual([{ column: 'Tier', name: 'Tier' }]);
    expect(mapping.unsentColumns).toEqual([
      { column: 'column 2', reason: 'unnamed' },
      { column: 'Tier ', reason: 'name-taken' },
      { column: 'tier', reason: 'name-taken' },
    ]);
  });
});

describe('resolveMapping: JSON keys', () => {
  const json: SourceTraits = { isJson: true };

  it('reads a nested key from --map, keeping types and sending later keys', () => {
    const mapping = resolve(['email', 'address', 'plan'], { maps: ['location.city=address.city'] }, json);
    expect(mapping.fields).toEqual([{ target: 'location.city', column: 'address.city', path: ['address', 'city'] }]);
    expect(mapping.propertyColumns).toEqual([{ column: 'plan', name: 'plan' }]);
    expect(mapping).toMatchObject({ infersPropertyTypes: false, sendsLaterKeys: true });
  });

  it('prefers a top-level key named with a dot, and reads \\. as a dot inside a key', () => {
    expect(
      resolve(['email', 'address.city', 'address'], { maps: ['location.city=address.city'], mapsKnownColumns: false }, json).fields,
    ).toEqual([{ target: 'location.city', column: 'address.city' }]);
    expect(resolve(['email', 'utm.source'], { maps: ['properties.source=utm\\.source'] }, json).fields).toEqual([
      { target: 'properties.source', column: 'utm.source' },
    ]);
    expect(resolve(['email', 'Meta'], { maps: ['properties.source=meta.utm\\.source'] }, json).fields).toEqual([
      { target: 'properties.source', column: 'Meta.utm\\.source', path: ['Meta', 'utm.source'] },
    ]);
  });

  it.each([
    [
      'location.city=adress.city',
      /Column "adress" \(the first key of "adress.city"\) in --map "location.city=adress.city" is not in customers.csv/,
    ],
    ['location.city=address..city', /"address..city" names an empty key/],
  ])('refuses --map %j', (map, message) => {
    expect(() => resolve(['email', 'address'], { maps: [map] }, json)).toThrow(message);
    expect(() => resolve(['email', 'address'], { maps: [map] }, json)).toThrow(UsageError);
  });

  it('does not map a key that holds objects to a text field by its name', () => {
    const sample = [{ fields: { email: 'a@example.com', address: { city: 'Paris' }, city: 'Paris' } }];
    const mapping = resolve(['email', 'address', 'city'], {}, { isJson: true, sample });
    expect(mapping.fields).toEqual([{ target: 'location.city', column: 'city', isDefault: true }]);
    expect(mapping.propertyColumns).toEqual([{ column: 'address', name: 'address' }]);
  });

  it('a CSV column named with a dot is that column', () => {
    expect(resolve(['email', 'address.city'], { maps: ['location.city=address.city'] }).fields).toEqual([
      { target: 'location.city', column: 'address.city' },
    ]);
  });
});
