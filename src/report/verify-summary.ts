import type { LineList, ReasonCount } from './run-summary.js';

/**
 * What `verify` learned, as plain data: every report (console text, --json, --report, the CI step
 * summary) renders this one object. Counts, line numbers and field names only, never a value.
 */
export const VERIFY_REPORT_VERSION = 1;

export type VerifyOutcome =
  /** Every checked row is a member of the list. */
  | 'all-present'
  /** Some checked rows are not. */
  | 'some-missing'
  /** The file has rows but none holds a valid profile. */
  | 'nothing-to-check'
  /** --strict with rejected rows: nothing was checked. */
  | 'rejected-strict';

export interface FieldMismatch extends LineList {
  /** The Klaviyo field (`first_name`, `location.city`, `properties.tier`). */
  field: string;
  /** The file's column mapped to it. */
  column: string;
}

export interface VerifySummary {
  version: typeof VERIFY_REPORT_VERSION;
  command: 'verify';
  file: string;
  /** Every file read, in order (one for a single file). */
  files?: string[];
  format: string;
  listId: string;
  listName: string;
  outcome: VerifyOutcome;
  rows: { read: number; valid: number; rejected: number; duplicates: number };
  rejectedByReason: ReasonCount[];
  duplicates: LineList;
  /** Which valid rows were checked: a seeded random sample, or all of them. */
  sample: { all: boolean; size: number | null; seed: number | null; checked: number };
  present: number;
  missing: LineList;
  /** With --attributes: members whose mapped fields differ from the file, by field. */
  attributes: { fields: string[]; mismatched: number; byField: FieldMismatch[] } | null;
  requests: {
    requests: number;
    retries: number;
    throttled: number;
    /** The least time the checked rows' requests take at Klaviyo's published rate limits. */
    estimatedMs: number;
    /** The same for every valid row (--all). */
    estimatedAllMs: number;
  };
  timings: { startedAt: string; readMs: number; checkMs: number; totalMs: number };
}
