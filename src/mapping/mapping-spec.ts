import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { UsageError } from '../errors.js';
import { containsEmailAddress } from '../privacy/personal-data.js';
import { findEmailColumn } from './find-email-column.js';
import { listColumns } from './list-columns.js';
import type { ProfileAttributes, ProfileLocation } from './profile-schema.js';

export { describeEmailColumnChoice, EMAIL_SAMPLE_ROWS, findEmailColumn } from './find-email-column.js';

export const PROFILE_FIELDS = [
  'first_name',
  'last_name',
  'phone_number',
  'external_id',
  'organization',
  'title',
  'locale',
  'image',
] as const satisfies readonly (keyof ProfileAttributes)[];
export const LOCATION_FIELDS = [
  'address1',
  'address2',
  'city',
  'region',
  'zip',
  'country',
  'timezone',
] as const satisfies readonly (keyof ProfileLocation)[];

export type ProfileFieldName = (typeof PROFILE_FIELDS)[number];
export type LocationFieldName = (typeof LOCATION_FIELDS)[number];
export type MappingTarget = ProfileFieldName | `location.${LocationFieldName}` | `properties.${string}`;

/** What the command line asked for, before it is checked against the file's columns. */
export interface MappingRequest {
  /** `--email-field <column>`; found by name when absent. */
  emailField?: string;
  /** Raw `--map` values: `first_name=First Name`, `location.city=City`, `properties.tier=Tier`. */
  maps: readonly string[];
  /** `--default-country`: ISO 3166-1 alpha-2, for phone numbers written without a country code. */
  defaultCountry?: string;
}

export interface FieldMapping {
  target: MappingTarget;
  column: string;
}

/** A mapping checked against the file's columns: every column it names exists. */
export interface ProfileMapping {
  emailColumn: string;
  fields: readonly FieldMapping[];
  defaultCountry?: CountryCode;
}

const VALID_TARGETS_HINT = [...PROFILE_FIELDS, ...LOCATION_FIELDS.map((field) => `location.${field}`), 'properties.<name>'].join(', ');

/**
 * Checks the request against the columns of `fileName`; throws UsageError naming what to fix.
 * `sample`, the first data rows, finds the email column by its values when no name says which.
 */
export function resolveMapping(
  columns: readonly string[],
  request: MappingRequest,
  fileName: string,
  sample: readonly { readonly fields: Readonly<Record<string, unknown>> }[] = [],
): ProfileMapping {
  refuseDataAsHeader(columns, fileName);
  const emailColumn =
    request.emailField === undefined
      ? findEmailColumn(columns, fileName, sample)
      : findColumn(columns, request.emailField, fileName, `given to --email-field`);

  const fields: FieldMapping[] = [];
  const mappedTargets = new Set<string>();
  for (const rawMap of request.maps) {
    const field = parseMapArgument(rawMap, columns, fileName);
    if (mappedTargets.has(field.target)) {
      throw new UsageError(`${field.target} is mapped twice with --map; keep one --map ${field.target}=<column>.`);
    }
    mappedTargets.add(field.target);
    fields.push(field);
  }

  const defaultCountry = request.defaultCountry === undefined ? undefined : parseCountryCode(request.defaultCountry);
  return defaultCountry === undefined ? { emailColumn, fields } : { emailColumn, fields, defaultCountry };
}

function parseMapArgument(rawMap: string, columns: readonly string[], fileName: string): FieldMapping {
  // Split on the first '=' only: Klaviyo field names never contain one, column names may.
  const separatorAt = rawMap.indexOf('=');
  if (separatorAt < 0) {
    throw new UsageError(`--map "${rawMap}" has no "="; write it as <klaviyo-field>=<column>, for example --map "first_name=First Name".`);
  }
  const target = parseTarget(rawMap.slice(0, separatorAt).trim(), rawMap);
  const columnName = rawMap.slice(separatorAt + 1);
  if (columnName.trim() === '') {
    throw new UsageError(`--map "${rawMap}" names no column; write it as ${target}=<column>.`);
  }
  return { target, column: findColumn(columns, columnName, fileName, `in --map "${rawMap}"`) };
}

function parseTarget(target: string, rawMap: string): MappingTarget {
  if (target.toLowerCase() === 'email') {
    throw new UsageError(`--map "${rawMap}": the email address is not mapped with --map; name its column with --email-field.`);
  }
  if (isOneOf(PROFILE_FIELDS, target)) return target;
  if (target.startsWith('location.')) {
    const locationField = target.slice('location.'.length);
    if (isOneOf(LOCATION_FIELDS, locationField)) return `location.${locationField}`;
  }
  if (target.startsWith('properties.')) {
    const propertyName = target.slice('properties.'.length).trim();
    if (propertyName === '') {
      throw new UsageError(`--map "${rawMap}" names no custom property; write it as properties.<name>=<column>.`);
    }
    // Assigning it would replace the object's prototype instead of adding a property.
    if (propertyName === '__proto__') {
      throw new UsageError(`--map "${rawMap}": __proto__ cannot be a custom property name; choose another name.`);
    }
    return `properties.${propertyName}`;
  }
  throw new UsageError(`--map "${rawMap}": "${target}" is not a Klaviyo profile field; valid fields: ${VALID_TARGETS_HINT}.`);
}

/**
 * A file without a header line has its first row taken for the column names. When that row holds
 * an email address, naming it with --email-field would make it the header and lose the row
 * silently, and listing it would print personal data; so refuse, without echoing the column.
 */
function refuseDataAsHeader(columns: readonly string[], fileName: string): void {
  if (columns.some(containsEmailAddress)) {
    throw new UsageError(
      `The first line of ${fileName} looks like data (a column name is an email address), not a header: ` +
        'add a header line such as `email` as the first line, or pass --no-header and name the columns by number (--email-field 1).',
    );
  }
}

/**
 * The column as written; failing that, the one column equal to it once surrounding spaces are
 * ignored; failing that, the one equal to it once case is ignored too (`e-mail` for `E-mail`), as
 * auto-detection does. Several equally good matches are an error naming them.
 */
function findColumn(columns: readonly string[], wanted: string, fileName: string, context: string): string {
  if (columns.includes(wanted)) return wanted;
  const trimmed = wanted.trim();
  const trimmedMatches = columns.filter((column) => column.trim() === trimmed);
  if (trimmedMatches.length > 0) return onlyMatch(trimmedMatches, wanted, context, 'surrounding spaces are');
  const folded = trimmed.toLowerCase();
  const caseMatches = columns.filter((column) => column.trim().toLowerCase() === folded);
  if (caseMatches.length > 0) return onlyMatch(caseMatches, wanted, context, 'case and surrounding spaces are');
  throw new UsageError(`Column "${wanted}" ${context} is not in ${fileName}; columns: ${listColumns(columns)}.`);
}

function onlyMatch(matches: readonly string[], wanted: string, context: string, ignored: string): string {
  const [only, ...others] = matches;
  if (only !== undefined && others.length === 0) return only;
  const quoted = matches.map((column) => `"${column}"`);
  throw new UsageError(
    `Column "${wanted}" ${context} matches several columns when ${ignored} ignored (${listColumns(quoted)}); write one of them exactly.`,
  );
}

function parseCountryCode(rawCountry: string): CountryCode {
  const country = rawCountry.trim().toUpperCase();
  if (isSupportedCountry(country)) return country;
  throw new UsageError(
    `--default-country "${rawCountry}" is not a known country code; use an ISO 3166-1 alpha-2 code such as US, GB or DE.`,
  );
}

function isOneOf<const T extends string>(allowed: readonly T[], value: string): value is T {
  return (allowed as readonly string[]).includes(value);
}
