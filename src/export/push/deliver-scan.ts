import { abortableSleep } from '../../klaviyo/abortable-sleep.js';
import { createProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import { settleProvisionalValues } from '../../mapping/provisional-values.js';
import type { DeliverySummary, RunOutcome } from '../../report/run-summary.js';
import { deliverBatches, type DeliveryEvents } from '../delivery/deliver-batches.js';
import { JobWatcher } from '../delivery/job-watcher.js';
import type { ScanResult } from '../scan/scan-segment.js';
import { summarizeDelivery } from '../summary/summarize-run.js';
import { fingerprintOf, openCheckpoint } from './open-checkpoint.js';
import { isCheckpointDone, outcomeOf, remainingWork } from './push-outcome.js';
import type { PushRun } from './push-run.js';

/** Upload requests in flight at once; the client's rate limiter (10/s) paces them. */
const UPLOAD_CONCURRENCY = 4;

export interface DeliveredScan {
  readonly outcome: RunOutcome;
  readonly delivery: DeliverySummary;
  readonly sendMs: number;
}

/** The send phase of a push: checkpoint, delivery, follow-up, and what it amounts to. */
export async function deliverScan(run: PushRun, scan: ScanResult): Promise<DeliveredScan> {
  const { plan, client, list, stager, stops, emit, ledger } = run;
  const fingerprint = fingerprintOf(scan, list.id, plan.shape);
  const journal = await openCheckpoint(plan.stateDir, fingerprint, plan.restart, emit);
  const sendStartedAt = Date.now();
  const watcher = new JobWatcher({
    client,
    sleep: abortableSleep,
    now: Date.now,
    signal: stops.soft,
    jobTimeoutMs: plan.jobTimeoutMs,
    onUnknownStatus: (job) => emit({ type: 'job-status-unknown', jobId: job.id, status: job.status }),
    onPolled: (job) => emit({ type: 'job', jobId: job.id, status: job.status, completed: job.completedCount, failed: job.failedCount }),
  });
  emit({ type: 'send', listId: list.id, ...remainingWork(stager.batches, journal) });
  const events: DeliveryEvents = {
    onAccepted: (batch, job) =>
      emit({ type: 'accepted', batch: batch.index, batches: scan.batches, jobId: job.id, profiles: batch.profiles }),
    onFinished: (_batch, job) => emit({ type: 'confirmed', jobId: job.id, imported: job.completedCount }),
  };
  const result = await deliverBatches({
    client,
    batches: stager.batches,
    // Provisional CSV property values are settled to their column's type as each body leaves the disk.
    readBody:
      scan.propertyTypes.length === 0
        ? (batch) => stager.readBody(batch)
        : async (batch) => settleProvisionalValues(await stager.readBody(batch), scan.propertyTypes),
    envelope: createProfileImportEnvelope(list.id),
    watcher,
    journal,
    wait: plan.wait,
    concurrency: UPLOAD_CONCURRENCY,
    resubmits: { jobTimeoutMs: plan.jobTimeoutMs },
    sleep: abortableSleep,
    now: Date.now,
    random: Math.random,
    signal: stops.soft,
    events,
    ledger,
  });
  const outcomes = ledger.deliveryOutcomes();
  const outcome = outcomeOf(scan.validProfiles - scan.skippedProfiles, result.imported, outcomes, stops.stopReason(), plan.wait);
  const isDone = isCheckpointDone(outcomes, stops.soft.aborted);
  if (isDone) await journal.remove();
  // Kept checkpoint: what the same command does next time, counted from it.
  const resume = isDone ? null : { checkpoint: journal.path, ...remainingWork(stager.batches, journal), isWithoutRestart: plan.restart };
  const delivery = { ...summarizeDelivery(result, outcomes, client.stats()), resume };
  return { outcome, delivery, sendMs: Date.now() - sendStartedAt };
}
