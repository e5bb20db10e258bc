import pLimit from 'p-limit';
import {
  type ApiErrorObject,
  AuthError,
  describeDeliveryStop,
  ExportError,
  isProgrammingError,
  JobTimeoutError,
  KlaviyoApiError,
} from '../../errors.js';
import type { CreateImportJobResult, ImportJob } from '../../klaviyo/klaviyo-client.js';
import { mergeBatchRecords } from '../batches/batch-record.js';
import { RemainingProfiles } from '../batches/remaining-profiles.js';
import { pendingJob, readImportErrors, replayConfirmed, reportConfirmed, type ConfirmedCounts } from './confirm-batch.js';
import type { DeliverOptions, DeliveryResult } from './delivery-types.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import type { ConfirmedBatchRecord } from '../../state/delivery-journal.js';
import { FirstUploadGate } from './first-upload-gate.js';
import { planAfterRefusal, RefusalBudget } from '../../klaviyo/refusal-policy.js';
import { CancellationStreak, decideResubmit } from './resubmit-policy.js';
import { scrub } from '../../privacy/scrub.js';
import type { KlaviyoRefusalCode } from '../rejects/row-outcome.js';

export type { DeliveredJob, DeliverOptions, DeliveryEvents, DeliveryResult } from './delivery-types.js';

/**
 * Sends every staged batch and follows its job to the end. Every profile of every batch is
 * imported, or recorded in the ledger as refused (with Klaviyo's reason), not delivered, or
 * unconfirmed: exactly one of these.
 * The run's first upload goes alone (FirstUploadGate): a key that may not write stops the run there.
 */
export async function deliverBatches(options: DeliverOptions): Promise<DeliveryResult> {
  const result: DeliveryResult = {
    accepted: 0,
    imported: 0,
    resubmittedJobs: 0,
    resumedBatches: 0,
    jobs: [],
    unattributed: [],
  };
  const uploads = pLimit(options.concurrency);
  const gate = new FirstUploadGate();
  // A refused key or scope ends the run for every batch, not just the one that met it.
  const fatal = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, fatal.signal]) : fatal.signal;
  const onFatal = (error: AuthError) => {
    if (!fatal.signal.aborted) fatal.abort(error);
  };
  const runOptions = { ...options, signal };
  const cancellations = new CancellationStreak();
  // A local failure (disk, staged body, checkpoint) stops new uploads too; those in flight end first.
  let localFailure: { error: unknown } | undefined;
  // A bug stops new uploads too, and ends the delivery by throwing once those in flight have ended.
  let bug: { error: unknown } | undefined;
  const onLocalFailure = (error: unknown) => {
    if (isProgrammingError(error)) bug ??= { error };
    // After the first local failure, any other is most likely the same cause: the first names it.
    else localFailure ??= { error };
    if (!fatal.signal.aborted) fatal.abort(error);
  };
  const isLocalFailure = (error: unknown) =>
    !(error instanceof ExportError) && !isProgrammingError(error) && (localFailure !== undefined || !options.signal?.aborted);
  await Promise.all(
    options.batches.map((batch) =>
      deliverBatch({ batch, options: runOptions, uploads, gate, result, onFatal, onLocalFailure, isLocalFailure, cancellations }).catch(
        (error: unknown) => {
          if (!isProgrammingError(error)) throw error;
          onLocalFailure(error);
        },
      ),
    ),
  );
  if (bug) throw bug.error;
  if (localFailure) result.stoppedBy = describeDeliveryStop(localFailure.error);
  // Nothing sent yet: the run ends like a failed preflight (exit 3, nothing sent).
  if (fatal.signal.aborted && result.accepted === 0 && result.resumedBatches === 0) throw fatal.signal.reason;
  return result;
}

interface BatchContext {
  readonly batch: StagedBatch;
  readonly options: DeliverOptions;
  readonly uploads: ReturnType<typeof pLimit>;
  readonly gate: FirstUploadGate;
  readonly result: DeliveryResult;
  readonly onFatal: (error: AuthError) => void;
  /** Called inside the upload slot, so that the next queued upload already sees the stop; a bug is kept apart, to be thrown. */
  readonly onLocalFailure: (error: unknown) => void;
  /** Not Klaviyo's answer nor the user's stop: this machine's disk, a staged body, the checkpoint. */
  readonly isLocalFailure: (error: unknown) => boolean;
  /** The run's final jobs: whether Klaviyo is cancelling every one of them. */
  readonly cancellations: CancellationStreak;
}

/** One batch's delivery: its parts' records, and whether every part reached a final job. */
interface BatchRun extends BatchContext {
  readonly refusedAtUpload: ConfirmedBatchRecord['refusals'][number][];
  readonly records: ConfirmedBatchRecord[];
  isComplete: boolean;
  /** 1 at each staged position whose profile has its outcome (imported, or in the ledger). */
  readonly accounted: Uint8Array;
  /** Refusals naming nobody that the batch and its halves may meet before the rest is given up. */
  readonly refusals: RefusalBudget;
}

async function deliverBatch(context: BatchContext): Promise<void> {
  const { batch, options, result } = context;
  const earlier = options.journal.confirmedBatch(batch.index);
  if (earlier) {
    result.resumedBatches += 1;
    addCounts(result, await replayConfirmed(batch, earlier, options));
    noteUnattributed(result, earlier);
    return;
  }
  const run: BatchRun = {
    ...context,
    refusedAtUpload: [],
    records: [],
    isComplete: true,
    accounted: new Uint8Array(batch.profiles),
    refusals: new RefusalBudget(batch.profiles),
  };
  try {
    await sendPart(run, new RemainingProfiles(batch, options.readBody), {
      isWhole: true,
      resumedJobId: options.journal.submittedJob(batch.index),
    });
    const record = run.isComplete ? mergeBatchRecords(run.records, run.refusedAtUpload) : undefined;
    if (record) await options.journal.recordConfirmed(batch.index, record);
  } catch (error) {
    if (!context.isLocalFailure(error)) throw error;
    context.onLocalFailure(error);
    accountStoppedBatch(run);
  }
}

/**
 * The profiles of a batch that a local failure stopped, without an outcome yet: unconfirmed when
 * its job was accepted (the checkpoint follows it up), else not delivered.
 */
function accountStoppedBatch(run: BatchRun): void {
  const { batch, options } = run;
  run.isComplete = false;
  const jobId = options.journal.submittedJob(batch.index);
  const description = 'Not delivered: the run stopped on a local failure before this request was confirmed.';
  for (let position = 0; position < batch.profiles; position += 1) {
    if (run.accounted[position] === 1) continue;
    run.accounted[position] = 1;
    const row = { line: batch.lines[position]!, element: batch.elements?.[position] };
    options.ledger.record(row, jobId === undefined ? { kind: 'not-delivered', description } : { kind: 'unconfirmed', jobId });
  }
}

/**
 * Sends one request's profiles until Klaviyo accepts them, then follows the job. A 400 strips the
 * profiles it names, or splits the request in halves when it names nobody (see planAfterRefusal).
 * Only the whole batch's job goes to the journal: a part's job is not resumable on its own.
 */
async function sendPart(
  run: BatchRun,
  part: RemainingProfiles,
  where: { isWhole: boolean; resumedJobId?: string | undefined },
): Promise<void> {
  const { batch, options, result } = run;
  const { journal, events, signal } = options;
  let job = where.resumedJobId === undefined ? undefined : pendingJob(where.resumedJobId, part.count);
  let isCounted = job !== undefined;
  if (isCounted) result.accepted += part.count;
  let cancellations = 0;
  // --job-timeout bounds the resubmissions too: counted from the first job accepted for this part.
  let firstAcceptedAt = job === undefined ? undefined : options.now();

  for (;;) {
    if (!job) {
      // The whole batch's job is recorded before its upload slot is freed: a crash can then leave at
      // most the requests in flight unrecorded, and so sent twice.
      const answer = await upload(run, part, where.isWhole ? (jobId) => journal.recordSubmitted(batch.index, jobId) : undefined);
      if (answer.kind === 'failed') return giveUp(run, part, answer.description);
      if (answer.kind === 'not-worth-sending') {
        return refuseAtUpload(run, part, unresolvedRefusals(part.count, run.refusals.spent, undefined));
      }
      if (answer.kind === 'invalid') {
        const plan = planAfterRefusal(answer.errors, part.count, run.refusals);
        if (plan.kind === 'give-up') return giveUp(run, part, `Klaviyo refused the whole request: ${describeError(plan.error)}`);
        if (plan.kind === 'split') {
          const halves = await part.split(plan.at, options.envelope);
          await Promise.all(halves.map((half) => sendPart(run, half, { isWhole: false })));
          return;
        }
        if (plan.kind === 'budget-spent') return refuseAtUpload(run, part, unresolvedRefusals(part.count, plan.refusals, plan.error));
        const named = plan.kind === 'strip' ? plan.named : new Map([[0, [plan.error]]]);
        await refuseAtUpload(run, part, new Map([...named].map(([i, errors]) => [i, refusalOf(errors[0] ?? {})])));
        if (part.count === 0) return;
        continue;
      }
      job = answer.job;
      firstAcceptedAt ??= options.now();
      if (!isCounted) {
        result.accepted += part.count;
        isCounted = true;
      }
      events.onAccepted?.({ ...batch, profiles: part.count }, job);
    }

    if (!options.wait) return leaveUnconfirmed(run, part, job);
    let final: ImportJob;
    try {
      final = await options.watcher.waitForFinal(job);
    } catch (error) {
      const isOutcome = error instanceof KlaviyoApiError || error instanceof AuthError || error instanceof JobTimeoutError;
      if (!signal?.aborted && !isOutcome) throw error;
      // The job was accepted: a key refused while following it leaves it unconfirmed and stops new uploads.
      if (error instanceof AuthError) run.onFatal(error);
      if (error instanceof KlaviyoApiError && error.status === 404 && where.resumedJobId === job.id) {
        // A job from the earlier run that Klaviyo no longer knows (expired): send the batch again.
        job = undefined;
        continue;
      }
      // Not final in time (--job-timeout), stopped, or unreadable: the next run follows it up.
      return leaveUnconfirmed(run, part, job);
    }
    if (final.status === 'cancelled') {
      result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: part.count, job: final });
      run.cancellations.noteFinal('cancelled');
      cancellations += 1;
      const decision = decideResubmit(
        {
          cancellations,
          elapsedMs: options.now() - (firstAcceptedAt ?? options.now()),
          isEveryJobCancelled: run.cancellations.isEveryJobCancelled,
        },
        options.resubmits,
        options.random,
      );
      if (!decision.resubmit) return giveUp(run, part, decision.description);
      // A stop during the pause is met by the upload, which then sends nothing.
      await options.sleep(decision.delayMs, signal).catch(() => undefined);
      if (run.cancellations.isEveryJobCancelled) {
        return giveUp(
          run,
          part,
          `Klaviyo cancelled the import job ${cancellations} times, as it cancelled every job of the run lately; nothing of it was applied.`,
        );
      }
      result.resubmittedJobs += 1;
      job = undefined;
      continue;
    }
    run.cancellations.noteFinal('complete');
    const record = await readImportErrors(final, part, options);
    addCounts(result, await reportConfirmed(batch, record, options));
    markAccounted(run, part);
    noteUnattributed(result, record);
    run.records.push(record);
    result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: part.count, job: final });
    events.onFinished?.(batch, final);
    return;
  }
}

/** `not-worth-sending`: a half met in its upload slot a budget of refusals already spent (refusal-policy). */
type UploadAnswer = CreateImportJobResult | { kind: 'failed'; description: string } | { kind: 'not-worth-sending' };

/** One upload through the concurrency limit; the first of the run goes alone (FirstUploadGate). */
async function upload(run: BatchRun, part: RemainingProfiles, recordAccepted?: (jobId: string) => Promise<void>): Promise<UploadAnswer> {
  const { options, onFatal } = run;
  const signal = options.signal;
  if (signal?.aborted) return { kind: 'failed', description: 'The run was stopped before this request was sent.' };
  try {
    const answer = await run.uploads(async () => {
      const answered = await run.gate.enter();
      try {
        if (signal?.aborted) return undefined;
        if (recordAccepted === undefined && run.refusals.isSpent) return { kind: 'not-worth-sending' } as const;
        const body = await part.body().catch((error: unknown) => {
          run.onLocalFailure(error);
          throw error;
        });
        if (signal?.aborted) return undefined;
        // Raised inside the limiter, so that the next queued upload already sees the abort.
        const created = await options.client.createProfileImportJob(body).catch((error: unknown) => {
          if (error instanceof AuthError) onFatal(error);
          if (isProgrammingError(error)) run.onLocalFailure(error);
          throw error;
        });
        if (created.kind === 'accepted')
          await recordAccepted?.(created.job.id).catch((error: unknown) => {
            run.onLocalFailure(error);
            throw error;
          });
        return created;
      } finally {
        answered();
      }
    });
    return answer ?? { kind: 'failed', description: 'The run was stopped before Klaviyo accepted this request.' };
  } catch (error) {
    if (error instanceof AuthError) {
      onFatal(error);
      return { kind: 'failed', description: error.message };
    }
    if (signal?.aborted) return { kind: 'failed', description: 'The run was stopped before Klaviyo accepted this request.' };
    if (error instanceof KlaviyoApiError) return { kind: 'failed', description: `Klaviyo did not accept the request: ${error.message}` };
    throw error;
  }
}

interface UploadRefusal {
  readonly reason: KlaviyoRefusalCode;
  readonly description: string;
  readonly detail: string;
}

function refusalOf(error: ApiErrorObject): UploadRefusal {
  return {
    reason: `klaviyo_${error.code ?? 'invalid'}`,
    description: scrub(error.title ?? 'Klaviyo refused this profile.'),
    detail: error.detail ?? error.title ?? '',
  };
}

/** Every profile of a part whose refusals named nobody until the budget was spent (refusal-policy). */
function unresolvedRefusals(count: number, refusals: number, error: ApiErrorObject | undefined): Map<number, UploadRefusal> {
  const refusal: UploadRefusal = {
    reason: 'klaviyo_refusal_unresolved',
    description: `Klaviyo refused the request holding this profile without naming which profile it refused, ${refusals} times: given up (the profile may be valid).`,
    detail: error?.detail ?? error?.title ?? '',
  };
  return new Map(Array.from({ length: count }, (_, i) => [i, refusal]));
}

/** Profiles a 400 refused (by index in the part's current request): rejected with Klaviyo's words, then removed. */
async function refuseAtUpload(run: BatchRun, part: RemainingProfiles, refused: ReadonlyMap<number, UploadRefusal>): Promise<void> {
  const resources = await part.resources();
  for (const [i, { reason, description, detail }] of refused) {
    const refusal = { position: part.positionOf(i), reason, description, detail };
    run.refusedAtUpload.push(refusal);
    run.accounted[refusal.position] = 1;
    run.options.ledger.record(
      { line: part.lineOf(i), element: part.elementOf(i) },
      { kind: 'refused', code: reason, description, detail, sent: { attributes: resources[i]?.attributes } },
    );
  }
  await part.remove(new Set(refused.keys()), run.options.envelope);
}

async function giveUp(run: BatchRun, part: RemainingProfiles, description: string): Promise<void> {
  run.isComplete = false;
  const resources = await part.resources();
  resources.forEach((resource, i) => {
    run.accounted[part.positionOf(i)] = 1;
    run.options.ledger.record(
      { line: part.lineOf(i), element: part.elementOf(i) },
      { kind: 'not-delivered', description, sent: { attributes: resource.attributes } },
    );
  });
}

function leaveUnconfirmed(run: BatchRun, part: RemainingProfiles, job: ImportJob): void {
  const { batch, result, options } = run;
  run.isComplete = false;
  result.jobs.push({ batch: batch.index, exportIndex: batch.exportIndex, profiles: part.count, job });
  for (let i = 0; i < part.count; i += 1) {
    run.accounted[part.positionOf(i)] = 1;
    options.ledger.record({ line: part.lineOf(i), element: part.elementOf(i) }, { kind: 'unconfirmed', jobId: job.id });
  }
}

/** Every profile of a part whose job finished: imported, or refused (recorded by reportConfirmed). */
function markAccounted(run: BatchRun, part: RemainingProfiles): void {
  for (let i = 0; i < part.count; i += 1) run.accounted[part.positionOf(i)] = 1;
}

function noteUnattributed(result: DeliveryResult, record: ConfirmedBatchRecord): void {
  if (record.unattributed) result.unattributed.push({ jobId: record.jobId, count: record.unattributed });
}

function describeError(error: ApiErrorObject | undefined): string {
  return scrub(error?.detail ?? error?.title ?? 'no detail given');
}

function addCounts(result: DeliveryResult, counts: ConfirmedCounts): void {
  result.accepted += counts.accepted;
  result.imported += counts.imported;
  result.jobs.push(...counts.jobs);
}
