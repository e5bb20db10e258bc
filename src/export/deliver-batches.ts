import pLimit from 'p-limit';
import { AuthError, KlaviyoApiError } from '../errors.js';
import { profileIndexFromPointer, type ApiErrorObject, type ImportJob, type KlaviyoClient } from '../klaviyo/klaviyo-client.js';
import { RemainingProfiles } from './remaining-profiles.js';
import { pendingJob, readImportErrors, replayConfirmed, reportConfirmed, type ConfirmedCounts } from './confirm-batch.js';
import type { DeliverOptions, DeliveryEvents, DeliveryResult } from './delivery-types.js';
import type { StagedBatch } from './batch-stager.js';
import { scrub } from './scrub.js';

export type { DeliveredJob, DeliverOptions, DeliveryEvents, DeliveryResult, UndeliveredProfile } from './delivery-types.js';

/**
 * Klaviyo refused a request naming profiles this many times in a row: give the batch up. Each round
 * removes at least one profile; a server that names one bad profile per answer needs one round each.
 */
const MAX_INVALID_ROUNDS = 50;

/**
 * Sends every staged batch and follows its job to the end. Every profile of every batch ends in
 * exactly one bucket: imported, refused (with Klaviyo's reason), not delivered, or unconfirmed.
 */
export async function deliverBatches(options: DeliverOptions): Promise<DeliveryResult> {
  const result: DeliveryResult = {
    accepted: 0,
    imported: 0,
    refused: 0,
    refusedWithoutDetail: 0,
    notDelivered: 0,
    unconfirmed: 0,
    resubmittedJobs: 0,
    resumedBatches: 0,
    jobs: [],
  };
  const uploads = pLimit(options.concurrency);
  // A refused key or scope ends the run for every batch, not just the one that met it.
  const fatal = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, fatal.signal]) : fatal.signal;
  const onFatal = (error: AuthError) => {
    if (!fatal.signal.aborted) fatal.abort(error);
  };
  await Promise.all(options.batches.map((batch) => deliverBatch(batch, { ...options, signal }, uploads, result, onFatal)));
  // Nothing sent yet: the run ends like a failed preflight (exit 3, nothing sent).
  if (fatal.signal.aborted && result.accepted === 0 && result.resumedBatches === 0) throw fatal.signal.reason;
  return result;
}

async function deliverBatch(
  batch: StagedBatch,
  options: DeliverOptions,
  uploads: ReturnType<typeof pLimit>,
  result: DeliveryResult,
  onFatal: (error: AuthError) => void,
): Promise<void> {
  const { journal, events, signal } = options;
  const earlier = journal.confirmedBatch(batch.index);
  if (earlier) {
    result.resumedBatches += 1;
    addCounts(result, await replayConfirmed(batch, earlier, options));
    return;
  }
  const remaining = new RemainingProfiles(batch, options.readBody);
  const giveUp = async (reason: string, description: string) => {
    const resources = await remaining.resources();
    resources.forEach((resource, i) => {
      events.onUndelivered({
        line: remaining.lineOf(i),
        element: remaining.elementOf(i),
        reason,
        description,
        detail: description,
        attributes: resource.attributes,
        kind: 'not-delivered',
      });
    });
    result.notDelivered += resources.length;
  };

  let job: ImportJob | undefined;
  const resumedJobId = journal.submittedJob(batch.index);
  if (resumedJobId !== undefined) job = pendingJob(resumedJobId, batch.profiles);
  let isCounted = job !== undefined;
  if (isCounted) result.accepted += batch.profiles;
  let cancellations = 0;
  let invalidRounds = 0;

  for (;;) {
    if (!job) {
      if (signal?.aborted) return giveUp('not_delivered', 'The run was stopped before this request was sent.');
      let answer: Awaited<ReturnType<KlaviyoClient['createProfileImportJob']>>;
      try {
        answer = await uploads(async () => {
          if (signal?.aborted) return undefined;
          const body = await remaining.body();
          if (signal?.aborted) return undefined;
          // Raised inside the limiter, so that the next queued upload already sees the abort.
          return options.client.createProfileImportJob(body).catch((error: unknown) => {
            if (error instanceof AuthError) onFatal(error);
            throw error;
          });
        }).then((value) => value ?? Promise.reject(signal?.reason));
      } catch (error) {
        if (error instanceof AuthError) {
          onFatal(error);
          return giveUp('not_delivered', error.message);
        }
        if (signal?.aborted) return giveUp('not_delivered', 'The run was stopped before Klaviyo accepted this request.');
        if (error instanceof KlaviyoApiError) return giveUp('not_delivered', `Klaviyo did not accept the request: ${error.message}`);
        throw error;
      }
      if (answer.kind === 'invalid') {
        const named = namedPositions(answer.errors, remaining.count);
        invalidRounds += 1;
        if (named.size === 0 || invalidRounds > MAX_INVALID_ROUNDS) {
          return giveUp('not_delivered', `Klaviyo refused the whole request: ${describeErrors(answer.errors)}`);
        }
        const resources = await remaining.resources();
        for (const [i, error] of named) {
          events.onUndelivered({
            line: remaining.lineOf(i),
            element: remaining.elementOf(i),
            reason: `klaviyo_${error.code ?? 'invalid'}`,
            description: scrub(error.title ?? 'Klaviyo refused this profile.'),
            detail: error.detail ?? error.title ?? '',
            attributes: resources[i]?.attributes,
            kind: 'refused',
          });
        }
        result.refused += named.size;
        await remaining.remove(new Set(named.keys()), options.envelope);
        if (remaining.count === 0) return;
        continue;
      }
      job = answer.job;
      if (!isCounted) {
        result.accepted += remaining.count;
        isCounted = true;
      }
      await journal.recordSubmitted(batch.index, job.id);
      events.onAccepted?.(batch, job);
    }

    if (!options.wait) {
      markUnconfirmed(remaining, job.id, events, result);
      result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: remaining.count, job });
      return;
    }
    let final: ImportJob;
    try {
      final = await options.watcher.waitForFinal(job);
    } catch (error) {
      if (!signal?.aborted && !(error instanceof KlaviyoApiError) && !(error instanceof AuthError)) throw error;
      // The job was accepted: a key refused while following it leaves it unconfirmed and stops new uploads.
      if (error instanceof AuthError) onFatal(error);
      if (error instanceof KlaviyoApiError && error.status === 404 && resumedJobId === job.id) {
        // A job from the earlier run that Klaviyo no longer knows (expired): send the batch again.
        job = undefined;
        continue;
      }
      markUnconfirmed(remaining, job.id, events, result);
      result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: remaining.count, job });
      return;
    }
    if (final.status === 'cancelled') {
      result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: remaining.count, job: final });
      cancellations += 1;
      if (cancellations > options.maxResubmits) {
        return giveUp('not_delivered', `Klaviyo cancelled the import job ${cancellations} times; nothing of it was applied.`);
      }
      result.resubmittedJobs += 1;
      job = undefined;
      continue;
    }
    const record = await readImportErrors(final, remaining, options);
    await journal.recordConfirmed(batch.index, record);
    addCounts(result, await reportConfirmed(batch, record, options));
    result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: remaining.count, job: final });
    events.onFinished?.(batch, final);
    return;
  }
}

/** Profiles (by position in the request) that a 400's pointers name, with the first error for each. */
function namedPositions(errors: readonly ApiErrorObject[], profileCount: number): Map<number, ApiErrorObject> {
  const named = new Map<number, ApiErrorObject>();
  for (const error of errors) {
    const index = profileIndexFromPointer(error.pointer);
    if (index !== undefined && index < profileCount && !named.has(index)) named.set(index, error);
  }
  return named;
}

function describeErrors(errors: readonly ApiErrorObject[]): string {
  const first = errors[0];
  return scrub(first?.detail ?? first?.title ?? 'no detail given');
}

function markUnconfirmed(remaining: RemainingProfiles, jobId: string, events: DeliveryEvents, result: DeliveryResult): void {
  result.unconfirmed += remaining.count;
  if (!events.onUnconfirmed) return;
  for (let i = 0; i < remaining.count; i += 1) events.onUnconfirmed(remaining.lineOf(i), jobId, remaining.elementOf(i));
}

function addCounts(result: DeliveryResult, counts: ConfirmedCounts): void {
  result.accepted += counts.accepted;
  result.imported += counts.imported;
  result.refused += counts.refused;
  result.refusedWithoutDetail += counts.refusedWithoutDetail;
  result.jobs.push(...counts.jobs);
}
