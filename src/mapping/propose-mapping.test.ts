import { describe, expect, it } from 'vitest';
import { proposeMapping } from './propose-mapping.js';

describe('proposeMapping', () => {
  it.each([
    [
      ['Email', 'First Name', 'last_name', 'Mobile', 'ZIP Code', 'Country'],
      {
        first_name: 'First Name',
        last_name: 'last_name',
        phone_number: 'Mobile',
        'location.zip': 'ZIP Code',
        'location.country': 'Country',
      },
    ],
    [['email', 'Tier', 'Notes'], {}],
    [['Phone', 'Mobile'], { phone_number: 'Phone' }],
    [['Company', 'State', 'customer-id'], { organization: 'Company', 'location.region': 'State', external_id: 'customer-id' }],
  ])('%j -> %j', (columns, expected) => {
    expect(proposeMapping(columns)).toEqual(expected);
  });
});
