import { UsageError } from '../../errors.js';
import { parseKeyPath } from '../../mapping/key-path.js';
import type { MappingRequest } from '../../mapping/mapping-spec.js';
import type { CsvDelimiter, ReadSegmentOptions, SegmentFormat } from '../../source/source-record.js';
import { KLAVIYO_BATCH_LIMITS, MAX_PROFILES_PER_EXPORT, MAX_PROFILES_PER_REQUEST, type BatchLimits } from '../batches/batch-limits.js';
import { RejectsFile } from '../rejects/rejects-file.js';

/** How to read, map and plan a segment: shared by validateSegment and pushSegment. */
export interface SegmentRequest {
  /** A path, or '-' to read `stdin`. */
  readonly file: string;
  /** Read when `file` is '-'. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Default: from the extension (`-`: from the first bytes). */
  readonly format?: SegmentFormat;
  /** CSV only; default: detected from the header. */
  readonly delimiter?: CsvDelimiter;
  /** The file's encoding label, e.g. windows-1252, utf-16le (default: UTF-8, or UTF-16 by its BOM). */
  readonly encoding?: string;
  /** CSV only; false: no header line, columns are named by number (1, 2, ...). Default true. */
  readonly hasHeader?: boolean;
  /**
   * JSON only: the key, or dotted path of keys, of the array of profiles in the top-level object
   * (`results`, `response.customers`; `\.` is a dot inside a key). Default: the file is an array,
   * or an object whose `profiles` or `data` is one.
   */
  readonly jsonPath?: string;
  /** The email column; default: the one column named like `email`. */
  readonly emailField?: string;
  /**
   * `field=column` pairs, e.g. `first_name=First Name`, `properties.tier=Tier`; in JSON, a nested
   * key by its path, `location.city=address.city`. Each wins over the mapping by name for its field and column.
   */
  readonly map?: readonly string[];
  /**
   * Map the columns whose names say which field they hold (`First Name`, `Phone`,
   * `Default Address City`, `Customer ID`...; docs/mapping.md lists them). Default true
   * (`--no-default-map`: false).
   */
  readonly defaultMap?: boolean;
  /**
   * Send every column the mapping does not use as a custom property under its own name (CSV values
   * typed by their whole column). Default true (`--no-properties`: false, only mapped fields are sent).
   */
  readonly properties?: boolean;
  /** ISO country for phone numbers written without +country. */
  readonly defaultCountry?: string;
  /** Profiles per export, at most 100,000 (the default). */
  readonly maxPerExport?: number;
  /** Profiles per import request, at most 10,000 (the default). */
  readonly batchSize?: number;
  /** Write every row not delivered (line, reason, detail, values) to this CSV file. */
  readonly rejectsPath?: string;
  /** Any rejected row fails the run (outcome `rejected-strict`) before anything is sent. */
  readonly strict?: boolean;
  /** Stops the run: reading ends, no new request starts; the summary says what was delivered. */
  readonly signal?: AbortSignal;
}

export function sourceOf(request: SegmentRequest): ReadSegmentOptions {
  return {
    input: request.file,
    format: request.format,
    delimiter: request.delimiter,
    encoding: request.encoding,
    hasHeader: request.hasHeader,
    ...(request.jsonPath === undefined ? {} : { jsonArrayPath: jsonArrayPathOf(request.jsonPath) }),
    stdin: request.stdin,
  };
}

function jsonArrayPathOf(jsonPath: string): string[] {
  const keys = parseKeyPath(jsonPath.trim());
  if (keys.some((key) => key === '')) {
    throw new UsageError(
      `--json-path "${jsonPath}" names an empty key; write the keys down to the array separated by dots, e.g. --json-path response.customers.`,
    );
  }
  return keys;
}

export function mappingRequestOf(request: SegmentRequest): MappingRequest {
  return {
    emailField: request.emailField,
    maps: [...(request.map ?? [])],
    defaultCountry: request.defaultCountry,
    mapsKnownColumns: request.defaultMap !== false,
    sendsOtherColumns: request.properties !== false,
  };
}

export function maxPerExportOf(request: SegmentRequest): number {
  return bounded('maxPerExport', request.maxPerExport ?? MAX_PROFILES_PER_EXPORT, MAX_PROFILES_PER_EXPORT);
}

export function batchSizeOf(request: SegmentRequest): number {
  return bounded('batchSize', request.batchSize ?? MAX_PROFILES_PER_REQUEST, MAX_PROFILES_PER_REQUEST);
}

export function batchLimitsOf(request: SegmentRequest): BatchLimits {
  return { ...KLAVIYO_BATCH_LIMITS, maxProfilesPerExport: maxPerExportOf(request), maxProfilesPerRequest: batchSizeOf(request) };
}

/** The rejects file, created up front (never the segment itself) so that a bad path fails before anything is read. */
export function openRejectsFile(request: SegmentRequest): RejectsFile | undefined {
  return request.rejectsPath === undefined ? undefined : new RejectsFile(request.rejectsPath, request.file);
}

/** The rejects file's header follows the source's columns, known once the file is opened. */
export function setRejectsColumns(rejects: RejectsFile | undefined, columns: readonly string[], format: SegmentFormat): void {
  rejects?.setColumns(columns, { mayGrow: format !== 'csv', hasElement: format === 'json' });
}

function bounded(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${name} must be a whole number from 1 to ${max.toLocaleString('en-US')}.`);
  }
  return value;
}
