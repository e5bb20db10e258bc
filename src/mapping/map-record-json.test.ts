import { describe, expect, it } from 'vitest';
import { createRecordMapper } from './map-record.js';
import { resolveMapping, type MappingRequest } from './mapping-spec.js';

/** Maps JSON objects with the mapping resolved from the first one's keys; returns the attributes each would send. */
function sendObjects(objects: readonly Record<string, unknown>[], request: Partial<MappingRequest> = {}) {
  const mapping = resolveMapping(
    Object.keys(objects[0] ?? {}),
    { maps: [], mapsKnownColumns: true, sendsOtherColumns: true, ...request },
    'segment.json',
    { isJson: true },
  );
  const mapRecord = createRecordMapper(mapping);
  const sent = objects.map((fields, index) => {
    const outcome = mapRecord({ line: 1, fields });
    if (outcome.kind !== 'profile') throw new Error(`element ${index}: ${outcome.detail}`);
    expect(outcome.attributesJson).not.toContain('\t');
    return JSON.parse(outcome.attributesJson) as Record<string, unknown>;
  });
  expect(mapRecord.settledPropertyTypes()).toEqual([]);
  return sent;
}

describe('createRecordMapper: JSON objects', () => {
  it('reads nested keys, keeps JSON types, and sends every other key, later ones too', () => {
    const sent = sendObjects(
      [
        { email: 'a@example.com', firstName: 'Ann', address: { city: 'Paris', zip: '75001' }, orders: 3, vip: true, zip: '007' },
        { email: 'b@example.com', address: { city: 'Lyon' }, since: '2024-03-25', tags: ['x'], Email: 'B@example.com' },
        { email: 'c@example.com', address: 'none', orders: null },
      ],
      { maps: ['location.city=address.city'] },
    );
    expect(sent).toEqual([
      // `zip` is a location field by its name; `address` is used by the mapping, so it is not sent again.
      { email: 'a@example.com', first_name: 'Ann', location: { city: 'Paris', zip: '007' }, properties: { orders: 3, vip: true } },
      // A key first seen later is a property too, as written (strings stay strings); `Email` is the email column's key.
      { email: 'b@example.com', location: { city: 'Lyon' }, properties: { since: '2024-03-25', tags: ['x'] } },
      { email: 'c@example.com' },
    ]);
  });

  it('sends a property once, under the name --map gives it', () => {
    const sent = sendObjects([{ email: 'a@example.com', level: 'gold', tier: 'old' }], { maps: ['properties.tier=level'] });
    expect(sent).toEqual([{ email: 'a@example.com', properties: { tier: 'gold' } }]);
  });

  it('sends only mapped fields without sendsOtherColumns', () => {
    const sent = sendObjects([{ email: 'a@example.com', first_name: 'Ann', plan: 'pro' }], { sendsOtherColumns: false });
    expect(sent).toEqual([{ email: 'a@example.com', first_name: 'Ann' }]);
  });
});
