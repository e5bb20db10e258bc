import {
  REPORT_VERSION,
  type DeliverySummary,
  type LineList,
  type ReasonCount,
  type RunOutcome,
  type RunSummary,
  type SubscriptionSummary,
} from '../../report/run-summary.js';
import type { SyncSummary } from '../../report/sync-summary.js';
import type { DeliveryResult } from '../delivery/delivery-types.js';
import type { ScanResult } from '../scan/scan-segment.js';
import { summarizeMapping } from './summarize-mapping.js';

export interface SummaryContext {
  command: RunSummary['command'];
  dryRun: boolean;
  listId: string | undefined;
  listName: string | undefined;
  maxPerExport: number;
  maxPerRequest: number;
  startedAt: Date;
  totalMs: number;
  sendMs: number;
  outcome: RunOutcome;
  delivery: DeliverySummary | undefined;
  /** With --subscribe only. */
  subscription?: SubscriptionSummary;
  sync?: SyncSummary | undefined;
}

export function summarizeRun(scan: ScanResult, context: SummaryContext): RunSummary {
  return {
    version: REPORT_VERSION,
    command: context.command,
    dryRun: context.dryRun,
    file: scan.displayName,
    format: scan.format,
    listId: context.listId ?? null,
    listName: context.listName ?? null,
    outcome: context.outcome,
    rows: {
      read: scan.rowsRead,
      valid: scan.validProfiles,
      rejected: scan.rejected,
      duplicates: scan.duplicates.count,
    },
    rejectedByReason: scan.rejectedByReason,
    duplicates: scan.duplicates,
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
    },
  };
}

/** The delivery's counts, with the lines that delivery accounting collected from its events. */
export function summarizeDelivery(
  result: DeliveryResult,
  lines: {
    refusedByKlaviyo: ReasonCount[];
    notDelivered: LineList;
    unconfirmed: LineList;
    requests: { requests: number; retries: number; throttled: number };
  },
): DeliverySummary {
  return {
    sent: result.accepted,
    imported: result.imported,
    refusedByKlaviyo: lines.refusedByKlaviyo,
    refused: result.refused,
    refusedWithoutDetail: result.refusedWithoutDetail,
    unattributed: { count: result.unattributed.reduce((sum, job) => sum + job.count, 0), jobs: result.unattributed },
    stoppedBy: result.stoppedBy ?? null,
    notDelivered: sortedLines(lines.notDelivered),
    unconfirmed: result.unconfirmed,
    unconfirmedLines: sortedLines(lines.unconfirmed),
    requests: lines.requests.requests,
    retries: lines.requests.retries,
    throttled: lines.requests.throttled,
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
  };
}

/** Batches finish out of order: a person reads the lines best in file order. */
function sortedLines(list: LineList): LineList {
  const ascending = (a: number, b: number) => a - b;
  return {
    count: list.count,
    lines: [...list.lines].sort(ascending),
    ...(list.elements ? { elements: [...list.elements].sort(ascending) } : {}),
  };
}
