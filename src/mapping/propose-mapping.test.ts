import { describe, expect, it } from 'vitest';
import { defaultFieldMappings, foldColumnName, proposeMapping } from './propose-mapping.js';

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

describe('defaultFieldMappings: the headers exports write', () => {
  it.each([
    [
      'Shopify customers',
      [
        'Customer ID',
        'First Name',
        'Last Name',
        'Email',
        'Accepts Email Marketing',
        'Default Address Company',
        'Default Address Address1',
        'Default Address Address2',
        'Default Address City',
        'Default Address Province Code',
        'Default Address Country Code',
        'Default Address Zip',
        'Default Address Phone',
        'Phone',
        'Accepts SMS Marketing',
        'Total Spent',
        'Total Orders',
        'Note',
        'Tax Exempt',
        'Tags',
      ],
      {
        external_id: 'Customer ID',
        first_name: 'First Name',
        last_name: 'Last Name',
        phone_number: 'Phone',
        organization: 'Default Address Company',
        'location.address1': 'Default Address Address1',
        'location.address2': 'Default Address Address2',
        'location.city': 'Default Address City',
        'location.region': 'Default Address Province Code',
        'location.country': 'Default Address Country Code',
        'location.zip': 'Default Address Zip',
      },
    ],
    [
      'Shopify customers, older export',
      [
        'First Name',
        'Last Name',
        'Email',
        'Company',
        'Address1',
        'Address2',
        'City',
        'Province',
        'Province Code',
        'Country',
        'Country Code',
        'Zip',
        'Phone',
      ],
      {
        first_name: 'First Name',
        last_name: 'Last Name',
        organization: 'Company',
        'location.address1': 'Address1',
        'location.address2': 'Address2',
        'location.city': 'City',
        'location.region': 'Province',
        'location.country': 'Country',
        'location.zip': 'Zip',
        phone_number: 'Phone',
      },
    ],
    [
      'HubSpot contacts',
      [
        'Record ID',
        'First Name',
        'Last Name',
        'Email',
        'Phone Number',
        'Mobile Phone Number',
        'Street Address',
        'City',
        'State/Region',
        'Postal Code',
        'Country/Region',
        'Company Name',
        'Job Title',
        'Lifecycle Stage',
      ],
      {
        external_id: 'Record ID',
        first_name: 'First Name',
        last_name: 'Last Name',
        phone_number: 'Phone Number',
        'location.address1': 'Street Address',
        'location.city': 'City',
        'location.region': 'State/Region',
        'location.zip': 'Postal Code',
        'location.country': 'Country/Region',
        organization: 'Company Name',
        title: 'Job Title',
      },
    ],
    [
      'Mailchimp audience',
      ['Email Address', 'First Name', 'Last Name', 'Address', 'Phone Number', 'MEMBER_RATING', 'OPTIN_TIME', 'TIMEZONE', 'REGION', 'TAGS'],
      {
        first_name: 'First Name',
        last_name: 'Last Name',
        'location.address1': 'Address',
        phone_number: 'Phone Number',
        'location.timezone': 'TIMEZONE',
        'location.region': 'REGION',
      },
    ],
    [
      'Segment / CDP, snake case',
      ['user_id', 'email', 'first_name', 'last_name', 'phone', 'address.city', 'address.postal_code', 'address.country', 'plan'],
      {
        external_id: 'user_id',
        first_name: 'first_name',
        last_name: 'last_name',
        phone_number: 'phone',
        'location.city': 'address.city',
        'location.zip': 'address.postal_code',
        'location.country': 'address.country',
      },
    ],
    [
      'CDP, camel case',
      ['userId', 'email', 'firstName', 'lastName', 'phoneNumber'],
      { external_id: 'userId', first_name: 'firstName', last_name: 'lastName', phone_number: 'phoneNumber' },
    ],
    [
      'Dynamics 365 Customer Insights',
      ['CustomerId', 'FirstName', 'LastName', 'PrimaryEmail', 'PrimaryPhone', 'Address1City', 'Address1PostalCode', 'Address1Country'],
      {
        external_id: 'CustomerId',
        first_name: 'FirstName',
        last_name: 'LastName',
        phone_number: 'PrimaryPhone',
        'location.city': 'Address1City',
        'location.zip': 'Address1PostalCode',
        'location.country': 'Address1Country',
      },
    ],
  ])('%s', (_export, columns, expected) => {
    expect(proposeMapping(columns)).toEqual(expected);
  });

  it('maps each field once, from the name it prefers, and each column to one field', () => {
    expect(defaultFieldMappings(['Default Address Phone', 'Mobile', 'Phone'])).toEqual([{ target: 'phone_number', column: 'Phone' }]);
    // Two columns that fold to the same name: the first one.
    expect(defaultFieldMappings(['first_name', 'First Name'])).toEqual([{ target: 'first_name', column: 'first_name' }]);
  });

  it('leaves the fields and columns already taken', () => {
    const mappings = defaultFieldMappings(['First Name', 'Phone', 'Mobile', 'City'], {
      target: (target) => target === 'location.city',
      column: (column) => column === 'Phone',
    });
    expect(mappings).toEqual([
      { target: 'first_name', column: 'First Name' },
      { target: 'phone_number', column: 'Mobile' },
    ]);
  });

  it('folds names to lower-case letters and digits', () => {
    expect(['First Name', 'first_name', 'firstName', 'FIRST-NAME', ' First.Name ', 'Country/Region'].map(foldColumnName)).toEqual([
      'firstname',
      'firstname',
      'firstname',
      'firstname',
      'firstname',
      'countryregion',
    ]);
  });
});
