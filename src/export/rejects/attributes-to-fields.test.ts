import { describe, expect, it } from 'vitest';
import { resolveMapping } from '../../mapping/mapping-spec.js';
import { attributesToFields } from './attributes-to-fields.js';

const DEFAULTS = { maps: ['properties.spent=Total Spent'], mapsKnownColumns: true, sendsOtherColumns: true };

describe("attributesToFields: a refused profile back under the file's columns", () => {
  it('puts fields, --map properties and properties sent by name back in their columns', () => {
    const mapping = resolveMapping(['Email', 'First Name', 'Total Spent', ' Tags '], DEFAULTS, 'f.csv');
    const attributes = { email: 'a@example.com', first_name: 'Ann', properties: { spent: 12.5, Tags: 'vip' } };
    expect(attributesToFields(attributes, mapping)).toEqual({
      Email: 'a@example.com',
      'First Name': 'Ann',
      'Total Spent': 12.5,
      ' Tags ': 'vip',
    });
  });

  it('JSON: every other property under its own key', () => {
    const mapping = resolveMapping(['email', 'address'], { ...DEFAULTS, maps: ['location.city=address.city'] }, 'f.json', { isJson: true });
    const attributes = { email: 'a@example.com', location: { city: 'Paris' }, properties: { plan: 'pro', orders: 3 } };
    expect(attributesToFields(attributes, mapping)).toEqual({ email: 'a@example.com', 'address.city': 'Paris', plan: 'pro', orders: 3 });
  });
});
