import type { MappingTarget } from './mapping-spec.js';

/** Column names (lower case, no separators) that `init` proposes for each profile field. */
const ALIASES: Readonly<Record<string, MappingTarget>> = {
  firstname: 'first_name',
  givenname: 'first_name',
  lastname: 'last_name',
  surname: 'last_name',
  familyname: 'last_name',
  phone: 'phone_number',
  phonenumber: 'phone_number',
  mobile: 'phone_number',
  externalid: 'external_id',
  customerid: 'external_id',
  company: 'organization',
  organization: 'organization',
  organisation: 'organization',
  title: 'title',
  jobtitle: 'title',
  locale: 'locale',
  address: 'location.address1',
  address1: 'location.address1',
  address2: 'location.address2',
  city: 'location.city',
  region: 'location.region',
  state: 'location.region',
  province: 'location.region',
  zip: 'location.zip',
  zipcode: 'location.zip',
  postalcode: 'location.zip',
  postcode: 'location.zip',
  country: 'location.country',
  timezone: 'location.timezone',
};

/**
 * A first mapping for a file's columns (field -> column): the columns whose name says which
 * profile field they hold; each field at most once, the first such column winning.
 */
export function proposeMapping(columns: readonly string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const column of columns) {
    const target = ALIASES[column.toLowerCase().replace(/[\s_.-]+/g, '')];
    if (target !== undefined && mapping[target] === undefined) mapping[target] = column;
  }
  return mapping;
}
