import { UsageError } from '../../errors.js';
import type { ConsentMapping, ConsentRequest } from '../../mapping/consent-mapping.js';
import { listColumns } from '../../mapping/list-columns.js';
import {
  EMAIL_SAMPLE_ROWS,
  resolveMapping,
  topLevelColumnOf,
  topLevelKeyOf,
  type MappingRequest,
  type ProfileMapping,
} from '../../mapping/mapping-spec.js';
import type { Segment, SegmentFormat } from '../../source/source-record.js';

/**
 * The mapping of an opened segment: the request checked against its columns, with the columns the
 * consent options name reserved (they are read for consent, never sent as properties).
 */
export async function resolveScanMapping(
  segment: Segment,
  request: MappingRequest,
  options: { readonly consent: ConsentRequest | undefined; readonly hasHeader: boolean | undefined },
): Promise<ProfileMapping> {
  const { consent } = options;
  // Parquet's values are typed and its structs nested, as JSON's are; its columns are all in its schema, as a CSV header's are.
  const isJson = segment.format === 'json' || segment.format === 'ndjson' || segment.format === 'parquet';
  // The first rows tell the email column by its values when no name does, and which JSON keys hold
  // objects (not mapped to a text field by their name). Read ahead: the scan still starts at the first.
  const needsSample = request.emailField === undefined || (isJson && request.mapsKnownColumns === true);
  const sample = needsSample ? await segment.peekRecords(EMAIL_SAMPLE_ROWS) : [];
  const reservedColumns = consent === undefined ? [] : consentColumnsOf(consent);
  return resolveMapping(
    columnsToMap(segment.columns, request, segment.format),
    { ...request, reservedColumns: [...(request.reservedColumns ?? []), ...reservedColumns] },
    segment.displayName,
    { isJson, valuesAreText: segment.format === 'csv', hasHeader: options.hasHeader !== false, sample },
  );
}

function consentColumnsOf(consent: ConsentRequest): string[] {
  return [consent.emailConsentColumn, consent.smsConsentColumn, consent.consentedAtColumn].filter(
    (column): column is string => column !== undefined,
  );
}

/**
 * JSON objects need not share their keys (exports often leave out null ones), so a JSON or NDJSON
 * file's columns are only known once it has been read: the mapping is checked against the keys of
 * the first objects plus the columns it names (a nested key by its first key), and what it names
 * must have appeared somewhere by the end of the file (checked before anything is sent).
 */
function columnsToMap(columns: readonly string[], request: MappingRequest, format: SegmentFormat): readonly string[] {
  if (format === 'csv' || format === 'parquet') return columns;
  // A file with no object at all is a valid, empty segment, like a CSV file with only its header.
  const emailColumn = columns.length === 0 && request.emailField === undefined ? ['email'] : [];
  // A requested name that matches a key already seen (ignoring case and spaces) is left to resolve to that key.
  const known = new Set(columns.map(looseName));
  const unseen = requestedColumns(request)
    .filter((column) => !known.has(looseName(column)))
    .map(topLevelKeyOf)
    .filter((column) => !known.has(looseName(column)));
  return [...new Set([...columns, ...emailColumn, ...unseen])];
}

function looseName(column: string): string {
  return column.trim().toLowerCase();
}

function requestedColumns(request: MappingRequest): string[] {
  const mapped = request.maps.filter((map) => map.includes('=')).map((map) => map.slice(map.indexOf('=') + 1));
  return request.emailField === undefined ? mapped : [request.emailField, ...mapped];
}

/** As columnsToMap: a JSON file's consent keys may first appear after the first objects. */
export function consentColumnsToMap(columns: readonly string[], request: ConsentRequest, format: SegmentFormat): readonly string[] {
  if (format === 'csv' || format === 'parquet') return columns;
  const known = new Set(columns.map(looseName));
  const requested = consentColumnsOf(request).filter((column) => !known.has(looseName(column)));
  return [...columns, ...new Set(requested)];
}

export function checkConsentColumnsAppeared(consent: ConsentMapping, columns: readonly string[], displayName: string): void {
  const seen = new Set(columns);
  for (const column of [consent.emailColumn, consent.smsColumn, consent.consentedAtColumn]) {
    if (column !== undefined && !seen.has(column)) throw neverAppeared(column, columns, displayName);
  }
}

/** Nested keys (`address.city`) need their first key to appear. */
export function checkMappedColumnsAppeared(mapping: ProfileMapping, columns: readonly string[], displayName: string): void {
  const seen = new Set(columns);
  for (const column of [mapping.emailColumn, ...mapping.fields.map(topLevelColumnOf)]) {
    if (!seen.has(column)) throw neverAppeared(column, columns, displayName);
  }
}

function neverAppeared(column: string, columns: readonly string[], displayName: string): UsageError {
  return new UsageError(`Column "${column}" does not appear in any object of ${displayName}; keys found: ${listColumns(columns)}.`);
}
