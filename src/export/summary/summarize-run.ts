import {
  REPORT_VERSION,
  type DeliverySummary,
  type RunOutcome,
  type RunSummary,
  type SubscriptionSummary,
} from '../../report/run-summary.js';
import type { SyncSummary } from '../../report/sync-summary.js';
import type { DeliveryResult } from '../delivery/delivery-types.js';
import type { DeliveryOutcomes, RowLedger } from '../rejects/row-ledger.js';
import type { ScanResult } from '../scan/scan-segment.js';
import { summarizeMapping } from './summarize-mapping.js';
import { localizeLineLists } from '../../report/localize-lines.js';

export interface SummaryContext {
  command: RunSummary['command'];
  dryRun: boolean;
  listId: string | undefined;
  listName: string | undefined;
  maxPerExport: number;
  maxPerRequest: number;
  startedAt: Date;
  /** The run's time, without the time a person spent at the confirmation prompt. */
  totalMs: number;
  /** Time at the confirmation prompt (0 when nobody was asked). */
  promptMs?: number;
  sendMs: number;
  outcome: RunOutcome;
  delivery: DeliverySummary | undefined;
  /** With --subscribe only. */
  subscription?: SubscriptionSummary;
  sync?: SyncSummary | undefined;
}

/** The run's one summary: what the scan found, and every row's outcome as the ledger holds it. */
export function summarizeRun(scan: ScanResult, ledger: RowLedger, context: SummaryContext): RunSummary {
  const { rejected, rejectedByReason, duplicates } = ledger.scanOutcomes();
  const summary: RunSummary = {
    version: REPORT_VERSION,
    command: context.command,
    dryRun: context.dryRun,
    file: scan.displayName,
    files: [...scan.files],
    format: scan.format,
    listId: context.listId ?? null,
    listName: context.listName ?? null,
    outcome: context.outcome,
    rows: {
      read: scan.rowsRead,
      valid: scan.validProfiles,
      rejected,
      duplicates: duplicates.count,
    },
    rejectedByReason,
    duplicates,
    warnings: scan.warnings,
    plan: { exports: scan.exports, batches: scan.batches, maxPerExport: context.maxPerExport, maxPerRequest: context.maxPerRequest },
    mapping: summarizeMapping(scan),
    delivery: context.delivery ?? null,
    subscription: context.subscription ?? null,
    sync: context.sync ?? null,
    timings: {
      startedAt: context.startedAt.toISOString(),
      readMs: Math.round(scan.readMs),
      sendMs: Math.round(context.sendMs),
      totalMs: Math.round(context.totalMs),
      promptMs: Math.round(context.promptMs ?? 0),
    },
  };
  // Several files: each line list says each line's file, and its lines are that file's own.
  return scan.locate === undefined ? summary : localizeLineLists(summary, scan.locate);
}

/** The delivery's counts, with the rows the ledger holds as not delivered. */
export function summarizeDelivery(
  result: DeliveryResult,
  outcomes: DeliveryOutcomes,
  requests: { requests: number; retries: number; throttled: number },
): DeliverySummary {
  return {
    sent: result.accepted,
    imported: result.imported,
    refusedByKlaviyo: outcomes.refusedByKlaviyo,
    refused: outcomes.refused,
    refusedWithoutDetail: outcomes.refusedWithoutDetail,
    unattributed: { count: result.unattributed.reduce((sum, job) => sum + job.count, 0), jobs: result.unattributed },
    stoppedBy: result.stoppedBy ?? null,
    notDelivered: outcomes.notDelivered,
    notDeliveredCauses: outcomes.notDeliveredCauses,
    unconfirmed: outcomes.unconfirmed.count,
    unconfirmedLines: outcomes.unconfirmed,
    requests: requests.requests,
    retries: requests.retries,
    throttled: requests.throttled,
    resubmittedJobs: result.resubmittedJobs,
    resumedBatches: result.resumedBatches,
    jobs: result.jobs.map(({ batch, exportIndex, profiles, job }) => ({
      batch,
      export: exportIndex,
      jobId: job.id,
      status: job.status,
      profiles,
      imported: job.completedCount,
      failed: job.failedCount,
    })),
    resume: null,
  };
}
