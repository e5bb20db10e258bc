import { REPORT_VERSION, type DeliverySummary, type RunOutcome, type RunSummary } from '../report/run-summary.js';
import type { ScanResult } from './scan-segment.js';

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
}

export function summarizeRun(scan: ScanResult, context: SummaryContext): RunSummary {
  return {
    version: REPORT_VERSION,
    command: context.command,
    dryRun: context.dryRun,
    file: scan.displayName,
    format: scan.format,
    listId: context.listId,
    listName: context.listName,
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
    delivery: context.delivery,
    timings: {
      startedAt: context.startedAt.toISOString(),
      readMs: Math.round(scan.readMs),
      sendMs: Math.round(context.sendMs),
      totalMs: Math.round(context.totalMs),
    },
  };
}
