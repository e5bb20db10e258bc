import { UsageError } from '../../errors.js';
import { parseKeyPath } from '../../mapping/key-path.js';
import type { MappingRequest } from '../../mapping/mapping-spec.js';
import type { ReadSegmentOptions } from '../../source/source-record.js';
import { KLAVIYO_BATCH_LIMITS, MAX_PROFILES_PER_EXPORT, MAX_PROFILES_PER_REQUEST, type BatchLimits } from '../batches/batch-limits.js';
import type { SegmentRequest } from './segment-request.js';

/**
 * A SegmentRequest resolved once, before anything is read: how to read the file, how to map it,
 * how to cut it into requests, where its rejects go. Every stage reads the plan, never the request.
 */
export interface SegmentPlan {
  readonly source: ReadSegmentOptions;
  readonly mapping: MappingRequest;
  /** Klaviyo's limits with the request's profiles per export and per request. */
  readonly limits: BatchLimits;
  readonly rejectsPath: string | undefined;
  /** Standard input cannot be read again: its rejected rows are written with the values sent. */
  readonly isStdin: boolean;
  readonly isStrict: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Pure: throws UsageError for a value out of range, naming it. */
export function resolveSegmentPlan(request: SegmentRequest): SegmentPlan {
  const maxPerExport = bounded('maxPerExport', request.maxPerExport ?? MAX_PROFILES_PER_EXPORT, MAX_PROFILES_PER_EXPORT);
  const batchSize = bounded('batchSize', request.batchSize ?? MAX_PROFILES_PER_REQUEST, MAX_PROFILES_PER_REQUEST);
  return {
    source: {
      input: request.file,
      format: request.format,
      delimiter: request.delimiter,
      encoding: request.encoding,
      hasHeader: request.hasHeader,
      ...(request.jsonPath === undefined ? {} : { jsonArrayPath: jsonArrayPathOf(request.jsonPath) }),
      stdin: request.stdin,
    },
    mapping: {
      emailField: request.emailField,
      maps: [...(request.map ?? [])],
      defaultCountry: request.defaultCountry,
      mapsKnownColumns: request.defaultMap !== false,
      sendsOtherColumns: request.properties !== false,
    },
    limits: { ...KLAVIYO_BATCH_LIMITS, maxProfilesPerExport: maxPerExport, maxProfilesPerRequest: batchSize },
    rejectsPath: request.rejectsPath,
    isStdin: request.file === '-',
    isStrict: Boolean(request.strict),
    signal: request.signal,
  };
}

/** `--json-path response.customers` -> `['response', 'customers']` (`\.` is a dot inside a key). */
function jsonArrayPathOf(jsonPath: string): string[] {
  const keys = parseKeyPath(jsonPath.trim());
  if (keys.some((key) => key === '')) {
    throw new UsageError(
      `--json-path "${jsonPath}" names an empty key; write the keys down to the array separated by dots, e.g. --json-path response.customers.`,
    );
  }
  return keys;
}

function bounded(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${name} must be a whole number from 1 to ${max.toLocaleString('en-US')}.`);
  }
  return value;
}
