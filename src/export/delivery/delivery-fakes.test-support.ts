import { expect } from 'vitest';
import { type ApiErrorObject, KlaviyoApiError } from '../../errors.js';
import { createFakeTime, type FakeTime } from '../../klaviyo/fake-time.test-support.js';
import type { CreateImportJobResult, ImportErrorItem, ImportJob, KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import { buildProfileImportBody, createProfileImportEnvelope, serializeProfileResource } from '../../klaviyo/profile-import-payload.js';
import { profileResourcesOf } from '../batches/batch-contents.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import { deliverBatches, type DeliverOptions, type DeliveryResult } from './deliver-batches.js';
import { RowLedger, type DeliveryOutcomes } from '../rejects/row-ledger.js';
import { MemoryJournal, type DeliveryJournal } from '../../state/delivery-journal.js';
import { JobWatcher } from './job-watcher.js';

/** Each profile's email names its source line, so that a test can tie any request back to lines. */
export const emailOfLine = (line: number): string => `p${line}@example.com`;
export const lineOfEmail = (email: string): number => Number(/^p(\d+)@/.exec(email)?.[1]);

export const envelope = createProfileImportEnvelope('LIST01');

export interface PostedRequest {
  readonly number: number;
  readonly lines: number[];
  readonly body: string;
}

/** How Klaviyo treats one profile, keyed by its source line. */
export type ProfileFate =
  | { kind: 'invalid'; code: string; title: string }
  | { kind: 'failed'; code: string; title: string; namedBy: 'pointer' | 'payload' | 'nobody' }
  /** Counted neither as completed nor as failed: the job silently accounts for fewer profiles. */
  | { kind: 'dropped' };

export interface FakeKlaviyoScript {
  readonly fates?: ReadonlyMap<number, ProfileFate>;
  /** A 400 names at most this many invalid profiles (Klaviyo may stop early). */
  readonly namedPerInvalidAnswer?: number;
  /** A 400 names no profile at all: one error whose pointer is only `/data`. */
  readonly isInvalidAnswerUnnamed?: boolean;
  /** Replaces the answer to one POST: an error is thrown, a result returned as is. */
  readonly onPost?: (request: PostedRequest) => Error | CreateImportJobResult | undefined;
  /** Final status of the job created by a POST (default complete). */
  readonly finalStatus?: (request: PostedRequest) => ImportJob['status'];
  /** Polls that answer `processing` before the final status (default 0). */
  readonly pollsBeforeFinal?: number;
  readonly onPoll?: (jobId: string) => void;
  /** Listing import errors fails with this (after the client's retries). */
  readonly importErrorsFailure?: Error;
  /** Lets the POST hang until the test releases it. */
  readonly postGate?: () => Promise<void>;
}

interface FakeJob {
  job: ImportJob;
  lines: number[];
  pollsLeft: number;
  finalStatus: ImportJob['status'];
  errors: ImportErrorItem[];
}

/** An in-memory Klaviyo: accepts bulk imports, runs their jobs, lists their import errors. */
export class FakeKlaviyo {
  readonly posts: PostedRequest[] = [];
  readonly polls: string[] = [];
  readonly importedLines: number[] = [];
  postsInFlight = 0;
  maxPostsInFlight = 0;
  readonly #jobs = new Map<string, FakeJob>();
  readonly #script: FakeKlaviyoScript;

  constructor(script: FakeKlaviyoScript = {}) {
    this.#script = script;
  }

  /** A job left by an earlier run. */
  seedJob(id: string, lines: number[]): void {
    this.#jobs.set(id, this.#runJob(id, { number: 0, lines, body: '' }));
  }

  readonly client: Pick<KlaviyoClient, 'createProfileImportJob' | 'getProfileImportJob' | 'listImportErrors'> = {
    createProfileImportJob: async (body) => {
      this.postsInFlight += 1;
      this.maxPostsInFlight = Math.max(this.maxPostsInFlight, this.postsInFlight);
      try {
        await (this.#script.postGate?.() ?? Promise.resolve());
        const lines = profileResourcesOf(body).map((resource) => lineOfEmail(String(resource.attributes?.email)));
        const request: PostedRequest = {
          number: this.posts.length + 1,
          lines,
          body: typeof body === 'string' ? body : Buffer.from(body).toString('utf8'),
        };
        this.posts.push(request);
        const scripted = this.#script.onPost?.(request);
        if (scripted instanceof Error) throw scripted;
        if (scripted) return scripted;
        const invalid = this.#invalidErrors(lines);
        if (invalid.length > 0) return { kind: 'invalid', errors: invalid };
        const id = `job-${request.number}`;
        const fakeJob = this.#runJob(id, request);
        this.#jobs.set(id, fakeJob);
        return { kind: 'accepted', job: { ...fakeJob.job } };
      } finally {
        this.postsInFlight -= 1;
      }
    },
    getProfileImportJob: async (jobId) => {
      this.polls.push(jobId);
      this.#script.onPoll?.(jobId);
      const fakeJob = this.#jobs.get(jobId);
      if (!fakeJob) throw new KlaviyoApiError(`GET job ${jobId} answered 404.`, 404);
      if (fakeJob.pollsLeft > 0) {
        fakeJob.pollsLeft -= 1;
        return { ...fakeJob.job, status: 'processing' };
      }
      if (fakeJob.job.status !== fakeJob.finalStatus) this.#finish(fakeJob);
      return { ...fakeJob.job };
    },
    listImportErrors: (jobId) => {
      const errors = this.#jobs.get(jobId)?.errors ?? [];
      const failure = this.#script.importErrorsFailure;
      return (async function* pages() {
        if (failure) throw failure;
        for (let start = 0; start < errors.length; start += 2) {
          await Promise.resolve();
          yield* errors.slice(start, start + 2);
        }
      })();
    },
  };

  #invalidErrors(lines: number[]): ApiErrorObject[] {
    const errors: ApiErrorObject[] = [];
    lines.forEach((line, i) => {
      const fate = this.#script.fates?.get(line);
      if (fate?.kind !== 'invalid') return;
      const pointer = `/data/attributes/profiles/data/${i}/attributes/email`;
      errors.push({ status: '400', code: fate.code, title: fate.title, detail: `${emailOfLine(line)} is invalid`, pointer });
    });
    if (errors.length > 0 && this.#script.isInvalidAnswerUnnamed) {
      return [{ status: '400', code: 'invalid', title: 'Invalid input.', detail: 'One or more profiles are invalid.', pointer: '/data' }];
    }
    return errors.slice(0, this.#script.namedPerInvalidAnswer ?? errors.length);
  }

  #runJob(id: string, request: PostedRequest): FakeJob {
    return {
      job: { id, status: 'queued', totalCount: request.lines.length, completedCount: 0, failedCount: 0 },
      lines: request.lines,
      pollsLeft: this.#script.pollsBeforeFinal ?? 0,
      finalStatus: this.#script.finalStatus?.(request) ?? 'complete',
      errors: [],
    };
  }

  #finish(fakeJob: FakeJob): void {
    fakeJob.job.status = fakeJob.finalStatus;
    if (fakeJob.finalStatus !== 'complete') return;
    fakeJob.lines.forEach((line, i) => {
      const fate = this.#script.fates?.get(line);
      if (fate?.kind === 'dropped') return;
      if (fate?.kind !== 'failed') {
        this.importedLines.push(line);
        fakeJob.job.completedCount += 1;
        return;
      }
      fakeJob.job.failedCount += 1;
      const error: ImportErrorItem = { id: `e${line}`, code: fate.code, title: fate.title, detail: `${emailOfLine(line)}: ${fate.title}` };
      if (fate.namedBy === 'pointer') fakeJob.errors.push({ ...error, pointer: `/data/attributes/profiles/data/${i}` });
      if (fate.namedBy === 'payload') fakeJob.errors.push({ ...error, originalPayload: { email: emailOfLine(line).toUpperCase() } });
    });
  }
}

/** Batches of consecutive source lines starting at line 2, with their bodies kept in memory. */
export function stageInMemory(sizes: readonly number[]): { batches: StagedBatch[]; readBody: (batch: StagedBatch) => Promise<string> } {
  const bodies = new Map<string, string>();
  let line = 2;
  const batches = sizes.map((size, index): StagedBatch => {
    const lines = Uint32Array.from({ length: size }, () => line++);
    const body = buildProfileImportBody(
      envelope,
      [...lines].map((l) => serializeProfileResource({ email: emailOfLine(l) })),
    );
    const path = `memory:${index}`;
    bodies.set(path, body);
    return { index, exportIndex: 0, profiles: size, bodyBytes: Buffer.byteLength(body), lines, path };
  });
  const readBody = async (batch: StagedBatch) => bodies.get(batch.path)!;
  return { batches, readBody };
}

/** A profile the ledger holds as refused or not delivered, as a test reads it. */
export interface UndeliveredProfile {
  readonly line: number;
  readonly element?: number | undefined;
  readonly kind: 'refused' | 'not-delivered';
  readonly reason: string;
  readonly description: string;
  readonly detail: string;
  readonly attributes: Record<string, unknown> | undefined;
}

/** The delivery's result with the ledger's counts of rows beside it, as a report shows them. */
export interface DeliveryCounts extends DeliveryResult {
  refused: number;
  refusedWithoutDetail: number;
  notDelivered: number;
  unconfirmed: number;
}

export interface DeliveryRun {
  result: DeliveryCounts;
  /** What the ledger holds once the delivery ends. */
  outcomes: DeliveryOutcomes;
  undelivered: UndeliveredProfile[];
  fake: FakeKlaviyo;
  time: FakeTime;
  totalProfiles: number;
}

export interface RunOptions extends Partial<Omit<DeliverOptions, 'client' | 'batches' | 'readBody' | 'events' | 'watcher' | 'ledger'>> {
  readonly sizes: readonly number[];
  readonly script?: FakeKlaviyoScript;
  readonly fake?: FakeKlaviyo;
  readonly journal?: DeliveryJournal;
  /** Receives the index of each batch whose body is read, as it is read. */
  readonly bodyReads?: number[];
  /** A batch whose staged body cannot be read (a local failure): the error to throw. */
  readonly unreadableBody?: (batchIndex: number) => Error | undefined;
}

/** Runs the delivery engine against the fake with a fake clock; returns what a report would show. */
export async function runDelivery(options: RunOptions): Promise<DeliveryRun> {
  const { sizes, script, journal = new MemoryJournal(), bodyReads = [], fake: _fake, unreadableBody, ...rest } = options;
  const fake = options.fake ?? new FakeKlaviyo(script);
  const time = createFakeTime();
  const staged = stageInMemory(sizes);
  const undelivered: UndeliveredProfile[] = [];
  const ledger = new RowLedger({
    observe: (row, outcome) => {
      if (outcome.kind === 'refused') {
        const { code: reason, description, detail } = outcome;
        undelivered.push({ ...row, kind: 'refused', reason, description, detail, attributes: outcome.sent.attributes });
      }
      if (outcome.kind === 'not-delivered') {
        const { description } = outcome;
        undelivered.push({
          ...row,
          kind: 'not-delivered',
          reason: 'not_delivered',
          description,
          detail: description,
          attributes: outcome.sent?.attributes,
        });
      }
    },
  });
  const watcher = new JobWatcher({ client: fake.client, sleep: time.sleep, now: time.now, signal: rest.signal });
  const result = await deliverBatches({
    client: fake.client,
    batches: staged.batches,
    readBody: (batch) => {
      bodyReads.push(batch.index);
      const failure = unreadableBody?.(batch.index);
      return failure ? Promise.reject(failure) : staged.readBody(batch);
    },
    envelope,
    watcher,
    journal,
    wait: true,
    concurrency: 2,
    resubmits: { maxResubmits: 2 },
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    ...rest,
    events: {},
    ledger,
  });
  const outcomes = ledger.deliveryOutcomes();
  const counts: DeliveryCounts = {
    ...result,
    refused: outcomes.refused,
    refusedWithoutDetail: outcomes.refusedWithoutDetail,
    notDelivered: outcomes.notDelivered.count,
    unconfirmed: outcomes.unconfirmed.count,
  };
  return { result: counts, outcomes, undelivered, fake, time, totalProfiles: sizes.reduce((a, b) => a + b, 0) };
}

/**
 * The invariant of every scenario: each profile ends in exactly one bucket and the counts add up.
 * `unexplained` is the number of refusals Klaviyo counted without naming the profile.
 */
export function expectEveryProfileAccountedFor(run: DeliveryRun, unexplained = 0): void {
  const { result, outcomes, undelivered, fake, totalProfiles } = run;
  expect(result.imported + outcomes.refused + outcomes.notDelivered.count + outcomes.unconfirmed.count).toBe(totalProfiles);
  const eventLines = undelivered.map((profile) => profile.line);
  expect(new Set(eventLines).size).toBe(eventLines.length);
  expect(eventLines.filter((line) => fake.importedLines.includes(line))).toEqual([]);
  expect(undelivered.filter((p) => p.kind === 'refused')).toHaveLength(outcomes.refused - unexplained);
  expect(outcomes.refusedWithoutDetail).toBe(unexplained);
  expect(undelivered.filter((p) => p.kind === 'not-delivered')).toHaveLength(outcomes.notDelivered.count);
}

export const linesOf = (profiles: readonly UndeliveredProfile[], kind?: UndeliveredProfile['kind']): number[] =>
  profiles
    .filter((p) => kind === undefined || p.kind === kind)
    .map((p) => p.line)
    .sort((a, b) => a - b);
