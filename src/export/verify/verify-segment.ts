import { MAX_EMAILS_PER_FILTER } from '../../klaviyo/email-filter.js';
import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import { OPERATIONS } from '../../klaviyo/operations.js';
import type { FieldMapping, MappingRequest, ProfileMapping } from '../../mapping/mapping-spec.js';
import { propertyFieldsOf } from '../../mapping/property-columns.js';
import { settleAttributesJson } from '../../mapping/provisional-values.js';
import type { ReadSegmentOptions, SegmentFormat } from '../../source/source-record.js';
import { readSegmentColumns } from '../../source/segment-columns.js';
import { emptyLineList } from '../../report/run-summary.js';
import { VERIFY_REPORT_VERSION, type VerifyOutcome, type VerifySummary } from '../../report/verify-summary.js';
import type { BatchLimits } from '../batches/batch-limits.js';
import { minimumDurationMs } from './check-duration.js';
import { RowSample } from './row-sample.js';
import { checkMembership, type CheckResult, type SampledRow } from './check-membership.js';
import { localizeLineLists, type LocateLine } from '../../report/localize-lines.js';
import { scanSegment, type RejectedRow, type ScannedProfile, type ScanResult } from '../scan/scan-segment.js';
import { RowLedger, type ScanOutcomes } from '../rejects/row-ledger.js';

export interface VerifyRequest {
  readonly source: ReadSegmentOptions;
  readonly mapping: MappingRequest;
  readonly limits: BatchLimits;
  readonly listId: string;
  /** Rows to check, drawn at random among the valid ones; undefined checks every one (--all). */
  readonly sampleSize: number | undefined;
  readonly seed: number;
  readonly checkAttributes: boolean;
  /** Like push --strict: a rejected row stops the run before anything is checked. */
  readonly strict: boolean;
  readonly signal?: AbortSignal;
}

export interface VerifyPlan {
  readonly valid: number;
  readonly toCheck: number;
  readonly requests: number;
  readonly estimatedMs: number;
  readonly estimatedAllMs: number;
}

export interface VerifyEvents {
  readonly onListFound?: (list: KlaviyoList) => void;
  readonly onMappingResolved?: (
    mapping: ProfileMapping,
    columns: readonly string[],
    format: SegmentFormat,
    /** A segment of several files: where each of its lines is (for a rows file's `file` column). */
    locate?: LocateLine,
  ) => void;
  readonly onProgress?: (rowsRead: number) => void;
  readonly onRejected?: (row: RejectedRow) => void;
  /** Once the file is read, before the first lookup: what will be checked and how long it takes at least. */
  readonly onPlanned?: (plan: VerifyPlan) => void;
  readonly onChecked?: (checked: number, total: number) => void;
  /** Each checked row that is not in the list, in file order, with its original values (for --missing). */
  readonly onMissing?: (row: RejectedRow) => void;
}

export interface VerifyPorts {
  readonly client: Pick<KlaviyoClient, 'getList' | 'findListMembers' | 'stats'>;
  readonly now: () => number;
  readonly events?: VerifyEvents;
}

const LOOKUP_LIMITS = OPERATIONS.get_profiles_for_list.limits;

/**
 * Reads a segment file exactly as push does (same scan, mapping and dedupe), then asks Klaviyo
 * which of the chosen rows' emails are members of the list. Reads only: nothing is written to
 * Klaviyo. Throws AuthError (unknown list, key, scope), InputFileError or UsageError like push.
 */
export async function verifySegment(request: VerifyRequest, ports: VerifyPorts): Promise<VerifySummary> {
  const { client, events = {} } = ports;
  const startedAt = ports.now();
  // Before any request: a file that cannot be read is named as such, not met after the network.
  if (request.source.input !== '-') await readSegmentColumns({ ...request.source, signal: request.signal });
  const list = await client.getList(request.listId);
  events.onListFound?.(list);

  const keepsFields = events.onMissing !== undefined;
  const sample = new RowSample<SampledRow>(request.sampleSize, request.seed);
  const ledger = new RowLedger({
    observe: (row, outcome) => {
      if (outcome.kind !== 'rejected') return;
      events.onRejected?.({ line: row.line, index: row.element, reason: outcome.code, detail: outcome.detail, fields: outcome.fields });
    },
  });
  const scan = await scanSegment({
    source: request.source,
    mapping: request.mapping,
    limits: request.limits,
    listId: list.id,
    signal: request.signal,
    onMappingResolved: events.onMappingResolved,
    ledger,
    onProgress: events.onProgress,
    onProfile: (profile) => sample.offer(sampledRow(profile, request.checkAttributes, keepsFields)),
  });
  // Provisional CSV property values, settled to their column's type: as a push sends them.
  const rows = sample
    .items((a, b) => a.line - b.line || (a.index ?? 0) - (b.index ?? 0))
    .map((row) =>
      row.attributesJson === undefined ? row : { ...row, attributesJson: settleAttributesJson(row.attributesJson, scan.propertyTypes) },
    );
  const comparedFields = [...scan.mapping.fields, ...propertyFieldsOf(scan.mapping, scan.columns)];
  const plan: VerifyPlan = {
    valid: scan.validProfiles,
    toCheck: rows.length,
    requests: Math.ceil(rows.length / MAX_EMAILS_PER_FILTER),
    estimatedMs: minimumDurationMs(Math.ceil(rows.length / MAX_EMAILS_PER_FILTER), LOOKUP_LIMITS),
    estimatedAllMs: minimumDurationMs(Math.ceil(scan.validProfiles / MAX_EMAILS_PER_FILTER), LOOKUP_LIMITS),
  };
  const finish = (outcome: VerifyOutcome, check: CheckResult | undefined, checkMs: number): VerifySummary =>
    summarize({
      request,
      list,
      scan,
      left,
      plan,
      outcome,
      check,
      checkMs,
      startedAt,
      now: ports.now(),
      stats: client.stats(),
      comparedFields,
    });

  const left = ledger.scanOutcomes();
  if (request.strict && left.rejected > 0) return finish('rejected-strict', undefined, 0);
  if (scan.rowsRead > 0 && scan.validProfiles === 0) return finish('nothing-to-check', undefined, 0);
  events.onPlanned?.(plan);

  const checkStartedAt = ports.now();
  const fields = request.checkAttributes ? comparedFields : [];
  const check = await checkMembership(rows, { client, listId: list.id, fields, signal: request.signal, onChecked: events.onChecked });
  for (const row of check.missingRows) {
    events.onMissing?.({
      line: row.line,
      index: row.index,
      reason: 'missing',
      detail: `Not a member of list ${list.id}.`,
      fields: row.fields ?? {},
    });
  }
  return finish(check.missing.count === 0 ? 'all-present' : 'some-missing', check, ports.now() - checkStartedAt);
}

function sampledRow(profile: ScannedProfile, keepsAttributes: boolean, keepsFields: boolean): SampledRow {
  // Only what the run needs stays in memory: with --all, that is every valid row.
  return {
    line: profile.line,
    ...(profile.index === undefined ? {} : { index: profile.index }),
    dedupeKey: profile.dedupeKey,
    ...(keepsAttributes ? { attributesJson: profile.attributesJson } : {}),
    ...(keepsFields ? { fields: profile.fields } : {}),
  };
}

function summarize(parts: {
  request: VerifyRequest;
  list: KlaviyoList;
  scan: ScanResult;
  left: ScanOutcomes;
  plan: VerifyPlan;
  outcome: VerifyOutcome;
  check: CheckResult | undefined;
  checkMs: number;
  startedAt: number;
  now: number;
  stats: { requests: number; retries: number; throttled: number };
  comparedFields: readonly FieldMapping[];
}): VerifySummary {
  const { request, scan, left, check } = parts;
  const summary: VerifySummary = {
    version: VERIFY_REPORT_VERSION,
    command: 'verify',
    file: scan.displayName,
    files: [...scan.files],
    format: scan.format,
    listId: parts.list.id,
    listName: parts.list.name,
    outcome: parts.outcome,
    rows: { read: scan.rowsRead, valid: scan.validProfiles, rejected: left.rejected, duplicates: left.duplicates.count },
    rejectedByReason: left.rejectedByReason,
    duplicates: left.duplicates,
    sample: {
      all: request.sampleSize === undefined,
      size: request.sampleSize ?? null,
      seed: request.sampleSize === undefined ? null : request.seed,
      checked: check === undefined ? 0 : parts.plan.toCheck,
    },
    present: check?.present ?? 0,
    missing: check?.missing ?? emptyLineList(),
    attributes: request.checkAttributes
      ? { fields: parts.comparedFields.map((field) => field.target), mismatched: check?.mismatched ?? 0, byField: check?.byField ?? [] }
      : null,
    requests: {
      requests: parts.stats.requests,
      retries: parts.stats.retries,
      throttled: parts.stats.throttled,
      estimatedMs: parts.plan.estimatedMs,
      estimatedAllMs: parts.plan.estimatedAllMs,
    },
    timings: {
      startedAt: new Date(parts.startedAt).toISOString(),
      readMs: Math.round(scan.readMs),
      checkMs: Math.round(parts.checkMs),
      totalMs: Math.round(parts.now - parts.startedAt),
    },
  };
  return scan.locate === undefined ? summary : localizeLineLists(summary, scan.locate);
}
