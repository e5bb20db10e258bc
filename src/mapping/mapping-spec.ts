import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { UsageError } from '../errors.js';
import { containsEmailAddress } from '../privacy/personal-data.js';
import { findEmailColumn } from './find-email-column.js';
import { formatKeyPath, parseKeyPath } from './key-path.js';
import { listColumns } from './list-columns.js';
import {
  LOCATION_FIELDS,
  PROFILE_FIELDS,
  topLevelColumnOf,
  type DecidedColumns,
  type FieldMapping,
  type MappingRequest,
  type MappingTarget,
  type ResolvedMapping,
  type SourceTraits,
} from './mapping-types.js';
import { resolvePropertyColumns } from './property-columns.js';
import { defaultFieldMappings } from './propose-mapping.js';

export { describeEmailColumnChoice, EMAIL_SAMPLE_ROWS, findEmailColumn } from './find-email-column.js';
export * from './mapping-types.js';

const VALID_TARGETS_HINT = [...PROFILE_FIELDS, ...LOCATION_FIELDS.map((field) => `location.${field}`), 'properties.<name>'].join(', ');

/**
 * Checks the request against the columns of `fileName`; throws UsageError naming what to fix.
 * `file.sample`, the first data rows, finds the email column by its values when no name says which.
 */
export function resolveMapping(
  columns: readonly string[],
  request: MappingRequest,
  fileName: string,
  file: SourceTraits = {},
): ResolvedMapping {
  refuseDataAsHeader(columns, fileName);
  const isJson = file.isJson === true;
  const emailColumn =
    request.emailField === undefined
      ? findEmailColumn(columns, fileName, file.sample ?? [])
      : findColumn(columns, request.emailField, fileName, `given to --email-field`);

  const explicitFields: FieldMapping[] = [];
  const mappedTargets = new Set<string>();
  for (const rawMap of request.maps) {
    const field = parseMapArgument(rawMap, columns, fileName, isJson);
    if (mappedTargets.has(field.target)) {
      throw new UsageError(`${field.target} is mapped twice with --map; keep one --map ${field.target}=<column>.`);
    }
    mappedTargets.add(field.target);
    explicitFields.push(field);
  }
  const reservedColumns = (request.reservedColumns ?? []).map((column) => matchColumn(columns, column) ?? column);
  const fields = [...explicitFields, ...mapByName(columns, request, file, { emailColumn, explicitFields, reservedColumns })];
  const properties = resolvePropertyColumns(columns, request, file, { emailColumn, fields, reservedColumns });
  const defaultCountry = request.defaultCountry === undefined ? undefined : parseCountryCode(request.defaultCountry);
  return {
    emailColumn,
    fields,
    ...(defaultCountry === undefined ? {} : { defaultCountry }),
    propertyColumns: properties.columns,
    sendsLaterKeys: isJson && request.sendsOtherColumns === true && file.hasHeader !== false,
    infersPropertyTypes: file.valuesAreText ?? !isJson,
    reservedColumns,
    unsentColumns: properties.unsent,
  };
}

/** The fields the columns' names give, for the fields and columns that `--map`, the email and the reserved columns leave. */
function mapByName(
  columns: readonly string[],
  request: MappingRequest,
  file: SourceTraits,
  decided: DecidedColumns & { readonly explicitFields: readonly FieldMapping[] },
): FieldMapping[] {
  if (request.mapsKnownColumns !== true || file.hasHeader === false) return [];
  const takenColumns = new Set([decided.emailColumn, ...decided.reservedColumns, ...decided.explicitFields.map(topLevelColumnOf)]);
  const takenTargets = new Set(decided.explicitFields.map((field) => field.target));
  const holdsObjects = (column: string) =>
    file.isJson === true && (file.sample ?? []).some(({ fields }) => typeof fields[column] === 'object' && fields[column] !== null);
  return defaultFieldMappings(columns, {
    target: (target) => takenTargets.has(target),
    column: (column) => takenColumns.has(column) || holdsObjects(column),
  }).map(({ target, column }) => ({ target, column, isDefault: true }));
}

function parseMapArgument(rawMap: string, columns: readonly string[], fileName: string, isJson: boolean): FieldMapping {
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
  const context = `in --map "${rawMap}"`;
  if (!isJson) return { target, column: findColumn(columns, columnName, fileName, context) };
  return { target, ...findJsonKey(columns, columnName, fileName, context) };
}

/**
 * A JSON key as `--map` names it: a top-level key as written (a flat export may have a key named
 * `address.city`); failing that, a path of nested keys whose first key is a top-level one.
 */
function findJsonKey(columns: readonly string[], wanted: string, fileName: string, context: string): Pick<FieldMapping, 'column' | 'path'> {
  const keys = parseKeyPath(wanted);
  const asWritten = keys.length > 1 ? matchColumn(columns, wanted) : undefined;
  if (asWritten !== undefined) return { column: asWritten };
  const [first, ...rest] = keys as [string, ...string[]];
  if (rest.length === 0) return { column: findColumn(columns, first, fileName, context) };
  if (keys.some((key) => key.trim() === '')) {
    throw new UsageError(
      `--map: "${wanted}" names an empty key; separate nested keys with single dots, and write a dot inside a key as \\.`,
    );
  }
  const top = findColumn(columns, first, fileName, `(the first key of "${wanted}") ${context}`);
  const path = [top, ...rest];
  return { column: formatKeyPath(path), path };
}

/** The key a JSON file must hold for `name` (a column or a path) to be found: the first of its keys. */
export function topLevelKeyOf(name: string): string {
  return parseKeyPath(name)[0] ?? name;
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
export function findColumn(columns: readonly string[], wanted: string, fileName: string, context: string): string {
  const matches = columnMatches(columns, wanted);
  if (matches === undefined) throw new UsageError(`Column "${wanted}" ${context} is not in ${fileName}; columns: ${listColumns(columns)}.`);
  const [only, ...others] = matches.columns;
  if (only !== undefined && others.length === 0) return only;
  const quoted = matches.columns.map((column) => `"${column}"`);
  throw new UsageError(
    `Column "${wanted}" ${context} matches several columns when ${matches.ignored} ignored (${listColumns(quoted)}); write one of them exactly.`,
  );
}

/** The one column findColumn would find, or undefined when there is none or several. */
export function matchColumn(columns: readonly string[], wanted: string): string | undefined {
  const matches = columnMatches(columns, wanted)?.columns;
  return matches?.length === 1 ? matches[0] : undefined;
}

function columnMatches(columns: readonly string[], wanted: string): { columns: readonly string[]; ignored: string } | undefined {
  if (columns.includes(wanted)) return { columns: [wanted], ignored: 'nothing is' };
  const trimmed = wanted.trim();
  const trimmedMatches = columns.filter((column) => column.trim() === trimmed);
  if (trimmedMatches.length > 0) return { columns: trimmedMatches, ignored: 'surrounding spaces are' };
  const folded = trimmed.toLowerCase();
  const caseMatches = columns.filter((column) => column.trim().toLowerCase() === folded);
  if (caseMatches.length > 0) return { columns: caseMatches, ignored: 'case and surrounding spaces are' };
  return undefined;
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
