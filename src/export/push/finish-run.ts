import type { DeliverySummary, RunOutcome, RunSummary, SubscriptionSummary } from '../../report/run-summary.js';
import { summarizeRun } from '../summary/summarize-run.js';
import type { PushRun } from './push-run.js';
import type { SegmentRead } from './read-segment.js';

/** How the phases after the read ended. */
export interface PushEnding {
  readonly outcome: RunOutcome;
  readonly delivery?: DeliverySummary | undefined;
  readonly sendMs?: number;
  readonly subscription?: SubscriptionSummary | undefined;
  /** Why --mirror removed nothing (null: it removed what it planned, or there was no plan). */
  readonly noRemovalReason: string | null;
  /** Time spent at the confirmation prompt: the person's, not the run's. */
  readonly promptMs: number;
}

/** The last phase: the rejects file completed from the ledger, and the run's one summary. */
export async function finishRun(run: PushRun, read: SegmentRead, ending: PushEnding): Promise<RunSummary> {
  const { plan, ledger } = run;
  await ledger.writeRejects({ ...plan.source, signal: run.stops.hard });
  const summary = summarizeRun(read.scan, ledger, {
    command: 'push',
    dryRun: false,
    listId: run.list.id,
    listName: run.list.name,
    maxPerExport: plan.limits.maxProfilesPerExport,
    maxPerRequest: plan.limits.maxProfilesPerRequest,
    startedAt: run.startedAt,
    totalMs: Date.now() - run.startedAt.getTime() - ending.promptMs,
    promptMs: ending.promptMs,
    sendMs: ending.sendMs ?? 0,
    outcome: ending.outcome,
    delivery: ending.delivery,
    subscription: ending.subscription,
    sync: run.sync?.summarize(ending.noRemovalReason),
  });
  const written = ledger.rejectsWritten;
  if (written && written.rows > 0) run.emit({ type: 'rejects-written', ...written });
  return summary;
}
