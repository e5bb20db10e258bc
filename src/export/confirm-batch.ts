import { KlaviyoApiError } from '../errors.js';
import type { ImportJob } from '../klaviyo/klaviyo-client.js';
import { profileResourcesOf } from './batch-contents.js';
import type { StagedBatch } from './batch-stager.js';
import type { DeliverOptions, DeliveryResult } from './deliver-batches.js';
import type { ConfirmedBatchRecord } from './delivery-journal.js';
import { collectImportErrors } from './import-errors.js';
import type { RemainingProfiles } from './remaining-profiles.js';

/** Reads every page of the job's import errors and ties each to its profile's position. */
export async function confirm(job: ImportJob, remaining: RemainingProfiles, options: DeliverOptions): Promise<ConfirmedBatchRecord> {
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

export async function reportConfirmed(
  batch: StagedBatch,
  record: ConfirmedBatchRecord,
  options: DeliverOptions,
  result: DeliveryResult,
): Promise<void> {
  result.imported += record.imported;
  result.refused += record.refusals.length + record.unexplained;
  result.refusedWithoutDetail += record.unexplained;
  if (record.refusals.length === 0) return;
  // Positions in a record are positions in the staged batch, whatever was removed before sending.
  const resources = profileResourcesOf(await options.readBody(batch));
  for (const refusal of record.refusals) {
    options.events.onUndelivered({
      line: batch.lines[refusal.position]!,
      element: batch.elements?.[refusal.position],
      reason: refusal.reason,
      description: refusal.description,
      detail: refusal.detail,
      attributes: resources[refusal.position]?.attributes,
      kind: 'refused',
    });
  }
}

export async function replayConfirmed(
  batch: StagedBatch,
  record: ConfirmedBatchRecord,
  options: DeliverOptions,
  result: DeliveryResult,
): Promise<void> {
  result.sent += batch.profiles;
  await reportConfirmed(batch, record, options, result);
  result.jobs.push({
    batch: batch.index,
    exportIndex: batch.exportIndex,
    profiles: batch.profiles,
    job: { ...pendingJob(record.jobId, batch.profiles), status: 'complete', completedCount: record.imported },
  });
}

export function pendingJob(id: string, profiles: number): ImportJob {
  return { id, status: 'queued', totalCount: profiles, completedCount: 0, failedCount: 0 };
}
