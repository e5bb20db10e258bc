import { abortableSleep } from '../../klaviyo/abortable-sleep.js';
import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import { createProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import { settleProvisionalValues } from '../../mapping/provisional-values.js';
import type { DeliverySummary, RunOutcome } from '../../report/run-summary.js';
import type { BatchStager } from '../batches/batch-stager.js';
import { deliverBatches } from '../delivery/deliver-batches.js';
import { DeliveryAccounting } from './delivery-accounting.js';
import { JobWatcher } from '../delivery/job-watcher.js';
import { fingerprintOf, openCheckpoint } from './open-checkpoint.js';
import type { PushEvent } from '../events/push-events.js';
import { isCheckpointDone, outcomeOf, remainingWork } from './push-outcome.js';
import type { PushRequest } from './push-request.js';
import type { PushStops } from './push-stops.js';
import type { LateRejects } from '../rejects/late-rejects.js';
import type { RejectsFile } from '../rejects/rejects-file.js';
import type { ScanResult } from '../scan/scan-segment.js';
import { batchSizeOf, maxPerExportOf } from '../plan/segment-request.js';

/** Upload requests in flight at once; the client's rate limiter (10/s) paces them. */
const UPLOAD_CONCURRENCY = 4;
/** A cancelled job applied nothing; its batch is sent again up to this many times. */
const MAX_RESUBMITS = 3;

export interface DeliveryRun {
  readonly request: PushRequest;
  readonly client: KlaviyoClient;
  readonly list: KlaviyoList;
  readonly scan: ScanResult;
  readonly stager: BatchStager;
  readonly rejects: RejectsFile | undefined;
  readonly lateRejects: LateRejects | undefined;
  readonly stops: PushStops;
  readonly emit: (event: PushEvent) => void;
}

/** The send phase of a push: checkpoint, delivery, follow-up, and what it amounts to. */
export async function deliverScan(run: DeliveryRun): Promise<{ outcome: RunOutcome; delivery: DeliverySummary; sendMs: number }> {
  const { request, client, list, scan, stager, stops, emit } = run;
  const fingerprint = fingerprintOf(scan, list.id, {
    delimiter: request.delimiter,
    encoding: request.encoding,
    hasHeader: request.hasHeader,
    jsonPath: request.jsonPath,
    maxPerExport: maxPerExportOf(request),
    batchSize: batchSizeOf(request),
    changedOnly: request.changedOnly,
  });
  const journal = await openCheckpoint(request.stateDir, fingerprint, Boolean(request.restart), emit);
  const sendStartedAt = Date.now();
  const accounting = new DeliveryAccounting({
    rejects: run.rejects,
    late: run.lateRejects,
    mapping: scan.mapping,
    batches: scan.batches,
    emit,
  });
  const watcher = new JobWatcher({
    client,
    sleep: abortableSleep,
    now: Date.now,
    signal: stops.soft,
    jobTimeoutMs: request.jobTimeoutMs,
    onUnknownStatus: (job) => emit({ type: 'job-status-unknown', jobId: job.id, status: job.status }),
    onPolled: (job) => emit({ type: 'job', jobId: job.id, status: job.status, completed: job.completedCount, failed: job.failedCount }),
  });
  emit({ type: 'send', listId: list.id, ...remainingWork(stager.batches, journal) });
  const wait = request.wait ?? true;
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
    wait,
    concurrency: UPLOAD_CONCURRENCY,
    maxResubmits: MAX_RESUBMITS,
    signal: stops.soft,
    events: accounting.events(),
  });
  const delivery = accounting.summarize(result, client.stats());
  const outcome = outcomeOf(scan.validProfiles - scan.skippedProfiles, result, stops.stopReason(), wait);
  if (isCheckpointDone(result, stops.soft.aborted)) await journal.remove();
  return { outcome, delivery, sendMs: Date.now() - sendStartedAt };
}
