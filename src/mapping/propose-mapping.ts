import type { MappingTarget } from './mapping-types.js';

/**
 * The column names that say which profile field a column holds, as exports write them: Shopify
 * customers (`First Name`, `Default Address City`, `Default Address Country Code`, `Customer ID`),
 * HubSpot contacts (`Phone Number`, `State/Region`, `Country/Region`, `Record ID`), Mailchimp
 * audiences (`First Name`, `Address`, `Phone Number`, `TIMEZONE`), Segment and other CDPs
 * (`first_name`, `firstName`, `user_id`, flattened `address.city`) and Dynamics 365 Customer
 * Insights (`FirstName`, `PrimaryPhone`, `CustomerId`, `Address1City`).
 *
 * Names are compared folded: lower case, without spaces or punctuation (see foldColumnName), so
 * `First Name`, `first_name`, `firstName` and `FIRST-NAME` are one name. For each field the
 * names are in order of preference: when a file has several (Shopify's `Phone` and
 * `Default Address Phone`), the earliest in this list wins.
 */
const ALIASES: readonly (readonly [MappingTarget, readonly string[]])[] = [
  ['first_name', ['firstname', 'givenname', 'forename', 'fname']],
  ['last_name', ['lastname', 'surname', 'familyname', 'lname']],
  [
    'phone_number',
    [
      'phonenumber',
      'phone',
      'primaryphone',
      'mobilephonenumber',
      'mobilephone',
      'mobilenumber',
      'mobile',
      'cellphone',
      'telephone',
      'defaultaddressphone',
    ],
  ],
  ['external_id', ['externalid', 'customerid', 'userid', 'recordid', 'contactid']],
  ['organization', ['organization', 'organisation', 'company', 'companyname', 'defaultaddresscompany']],
  ['title', ['jobtitle', 'title']],
  ['locale', ['locale']],
  ['image', ['image', 'imageurl', 'avatar', 'avatarurl']],
  [
    'location.address1',
    ['address1', 'addressline1', 'streetaddress', 'street', 'address', 'addressstreet', 'defaultaddressaddress1', 'address1line1'],
  ],
  ['location.address2', ['address2', 'addressline2', 'streetaddress2', 'defaultaddressaddress2', 'address1line2']],
  ['location.city', ['city', 'town', 'addresscity', 'defaultaddresscity', 'address1city']],
  [
    'location.region',
    [
      'region',
      'state',
      'province',
      'stateregion',
      'stateorprovince',
      'stateprovince',
      'addressstate',
      'addressregion',
      'provincecode',
      'statecode',
      'defaultaddressprovince',
      'defaultaddressprovincecode',
      'address1stateorprovince',
    ],
  ],
  [
    'location.zip',
    ['zip', 'zipcode', 'postalcode', 'postcode', 'addresszip', 'addresspostalcode', 'defaultaddresszip', 'address1postalcode'],
  ],
  [
    'location.country',
    ['country', 'countryregion', 'countrycode', 'addresscountry', 'defaultaddresscountry', 'defaultaddresscountrycode', 'address1country'],
  ],
  ['location.timezone', ['timezone']],
];

/** `First Name`, `first_name`, `firstName` -> `firstname`: lower case, letters and digits only. */
export function foldColumnName(column: string): string {
  return column.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface DefaultFieldMapping {
  readonly target: MappingTarget;
  readonly column: string;
}

/**
 * The fields a file's columns map to by their names alone: each field at most once, from the
 * column whose name comes first in that field's list of names (the first such column when two
 * fold to the same name), and each column to at most one field. `isTaken` leaves out the fields
 * and columns already decided (an explicit --map, the email column): those always win.
 */
export function defaultFieldMappings(
  columns: readonly string[],
  isTaken: { readonly target?: (target: MappingTarget) => boolean; readonly column?: (column: string) => boolean } = {},
): DefaultFieldMapping[] {
  const columnsByName = new Map<string, string>();
  for (const column of columns) {
    if (isTaken.column?.(column)) continue;
    const name = foldColumnName(column);
    if (name !== '' && !columnsByName.has(name)) columnsByName.set(name, column);
  }
  const used = new Set<string>();
  const mappings: DefaultFieldMapping[] = [];
  for (const [target, names] of ALIASES) {
    if (isTaken.target?.(target)) continue;
    for (const name of names) {
      const column = columnsByName.get(name);
      if (column === undefined || used.has(column)) continue;
      used.add(column);
      mappings.push({ target, column });
      break;
    }
  }
  return mappings;
}

/**
 * The mapping `init` proposes for a file's columns (field -> column): exactly the fields a push
 * maps by default (defaultFieldMappings), so that a saved export sends what a plain push would.
 */
export function proposeMapping(columns: readonly string[]): Record<string, string> {
  return Object.fromEntries(defaultFieldMappings(columns).map(({ target, column }) => [target, column]));
}
