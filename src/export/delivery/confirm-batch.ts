import { KlaviyoApiError } from '../../errors.js';
import type { ImportJob } from '../../klaviyo/klaviyo-client.js';
import { profileResourcesOf } from '../batches/batch-contents.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import type { DeliveredJob, DeliverOptions } from './delivery-types.js';
import type { ConfirmedBatchRecord } from '../../state/delivery-journal.js';
import { collectImportErrors } from './import-errors.js';
import type { RemainingProfiles } from '../batches/remaining-profiles.js';
import type { KlaviyoRefusalCode } from '../rejects/row-outcome.js';

/** Reads every page of a finished job's import errors and ties each to its profile's position in the staged batch. */
export async function readImportErrors(
  job: ImportJob,
  remaining: RemainingProfiles,
  options: DeliverOptions,
): Promise<ConfirmedBatchRecord> {
  // A finished job that accounts for fewer profiles than were sent did not import the rest: they
  // count as refused, without lines since Klaviyo did not say which ones.
  const unaccounted = Math.max(0, remaining.count - job.completedCount - job.failedCount);
  // Klaviyo does not document what its counts count: never report more imported than were sent.
  const imported = (refused: number) => Math.min(job.completedCount, remaining.count - refused);
  if (job.failedCount === 0 && unaccounted === 0) return { jobId: job.id, imported: imported(0), refusals: [], unexplained: 0 };
  const resources = await remaining.resources();
  let errors: Awaited<ReturnType<typeof collectImportErrors>>;
  try {
    errors = await collectImportErrors(options.client, job, remaining.count, () => resources);
  } catch (error) {
    // The job's counts are final either way: its refusals are then counted without their lines.
    if (!(error instanceof KlaviyoApiError)) throw error;
    return { jobId: job.id, imported: imported(0), refusals: [], unexplained: job.failedCount + unaccounted };
  }
  const refusals = errors.named.map((refusal) => ({ ...refusal, position: remaining.positionOf(refusal.position) }));
  return {
    jobId: job.id,
    imported: imported(refusals.length),
    refusals,
    unexplained: Math.max(0, job.failedCount - refusals.length) + unaccounted,
    unattributed: errors.unnamed,
  };
}

/** What a confirmed batch adds to the delivery's counts. */
export interface ConfirmedCounts {
  readonly accepted: number;
  readonly imported: number;
  readonly jobs: readonly DeliveredJob[];
}

/** Records in the ledger the profiles a finished job refused, and returns its counts. */
export async function reportConfirmed(batch: StagedBatch, record: ConfirmedBatchRecord, options: DeliverOptions): Promise<ConfirmedCounts> {
  const counts = { accepted: 0, imported: record.imported, jobs: [] };
  if (record.unexplained > 0) options.ledger.recordUnnamedRefusals(record.unexplained);
  if (record.refusals.length === 0) return counts;
  // Positions in a record are positions in the staged batch, whatever was removed before sending.
  const resources = profileResourcesOf(await options.readBody(batch));
  for (const refusal of record.refusals) {
    options.ledger.record(
      { line: batch.lines[refusal.position]!, element: batch.elements?.[refusal.position] },
      {
        kind: 'refused',
        code: refusalCode(refusal.reason),
        description: refusal.description,
        detail: refusal.detail,
        sent: { attributes: resources[refusal.position]?.attributes },
      },
    );
  }
  return counts;
}

/** Checkpoints store the code as text: every code delivery records starts with `klaviyo_`. */
function refusalCode(reason: string): KlaviyoRefusalCode {
  return reason.startsWith('klaviyo_') ? (reason as KlaviyoRefusalCode) : `klaviyo_${reason}`;
}

/** A batch an earlier run saw confirmed: reported again from the checkpoint, not sent. */
export async function replayConfirmed(batch: StagedBatch, record: ConfirmedBatchRecord, options: DeliverOptions): Promise<ConfirmedCounts> {
  const counts = await reportConfirmed(batch, record, options);
  const job: ImportJob = { ...pendingJob(record.jobId, batch.profiles), status: 'complete', completedCount: record.imported };
  return {
    ...counts,
    accepted: batch.profiles,
    jobs: [{ batch: batch.index, exportIndex: batch.exportIndex, profiles: batch.profiles, job }],
  };
}

export function pendingJob(id: string, profiles: number): ImportJob {
  return { id, status: 'queued', totalCount: profiles, completedCount: 0, failedCount: 0 };
}
