import { UsageError } from '../../errors.js';
import { parseKeyPath } from '../../mapping/key-path.js';
import type { MappingRequest } from '../../mapping/mapping-spec.js';
import type { ReadSegmentOptions } from '../../source/source-record.js';
import { KLAVIYO_BATCH_LIMITS, MAX_PROFILES_PER_EXPORT, MAX_PROFILES_PER_REQUEST, type BatchLimits } from '../batches/batch-limits.js';
import type { RowsOutput } from '../../report/rejects-csv.js';
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
  /** Where the rejects CSV goes instead of a file (`--rejects -`); with it, `rejectsPath` is undefined. */
  readonly rejectsOutput: RowsOutput | undefined;
  /** Standard input cannot be read again: its rejected rows are written with the values sent. */
  readonly isStdin: boolean;
  readonly isStrict: boolean;
  readonly gates: SegmentGates;
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
      ...(request.quoting === undefined ? {} : { quoting: request.quoting }),
      ...(request.jsonPath === undefined ? {} : { jsonArrayPath: jsonArrayPathOf(request.jsonPath) }),
      ...(request.entity === undefined ? {} : { entity: request.entity }),
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
    rejectsPath: request.rejectsOutput ? undefined : rejectsPathOf(request.rejectsPath),
    rejectsOutput: request.rejectsOutput,
    isStdin: request.file === '-',
    isStrict: Boolean(request.strict),
    gates: gatesOf(request),
    signal: request.signal,
  };
}

/** The checks on the file as a whole, made once it is read and before anything is sent. */
export interface SegmentGates {
  readonly minRows: number;
  readonly allowEmpty: boolean;
  /** undefined: any share of rejected rows is sent around. */
  readonly maxRejectedPercent: number | undefined;
}

function gatesOf(request: SegmentRequest): SegmentGates {
  const minRows = request.minRows ?? 1;
  if (!Number.isSafeInteger(minRows) || minRows < 0) throw new UsageError('minRows must be a whole number, 0 or more.');
  const percent = request.maxRejectedPercent;
  if (percent !== undefined && !(percent >= 0 && percent <= 100))
    throw new UsageError('maxRejectedPercent must be a number from 0 to 100.');
  return { minRows, allowEmpty: Boolean(request.allowEmpty), maxRejectedPercent: percent };
}

/**
 * The gates of a read file, in order: too few rows (an empty file is let through only with
 * allowEmpty), too many rejected, --strict. Pure: validate and push share it, so that validate
 * predicts what a push of the same file would do.
 */
export function segmentGateOf(
  plan: Pick<SegmentPlan, 'gates' | 'isStrict'>,
  counts: { readonly rowsRead: number; readonly rejected: number },
): 'empty' | 'too-few-rows' | 'too-many-rejected' | 'rejected-strict' | undefined {
  const { minRows, allowEmpty, maxRejectedPercent } = plan.gates;
  if (counts.rowsRead === 0 && allowEmpty) return 'empty';
  if (counts.rowsRead < minRows) return 'too-few-rows';
  if (maxRejectedPercent !== undefined && counts.rejected * 100 > maxRejectedPercent * counts.rowsRead) return 'too-many-rejected';
  if (plan.isStrict && counts.rejected > 0) return 'rejected-strict';
  return undefined;
}

/** Never a file named "-": on a command line that means standard output, which only the caller can give. */
function rejectsPathOf(path: string | undefined): string | undefined {
  if (path !== '-') return path;
  throw new UsageError(
    'A rejects file named "-" is refused: give rejectsOutput to write the rows to a stream (the CLI\'s --rejects - writes them to standard output).',
  );
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
