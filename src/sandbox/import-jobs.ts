import { randomBytes, randomUUID } from 'node:crypto';
import type { FaultInjector } from './faults.js';
import type { ImportRequest, ProfileAttributes } from './profile-validation.js';
import type { SandboxStore } from './sandbox-store.js';

/**
 * Bulk import jobs: queued -> processing -> complete (or cancelled). The status is computed from
 * the clock when read, so no timer runs; `settleDueJobs` applies every job whose processing has
 * ended before anything reads the store.
 */

export type JobStatus = 'queued' | 'processing' | 'complete' | 'cancelled';

/** A profile refused while the job runs (import-errors). */
export interface ImportRefusal {
  id: string;
  index: number;
  detail: string;
  pointer: string;
  originalPayload: ProfileAttributes;
}

export interface ImportJob {
  id: string;
  listIds: string[];
  totalCount: number;
  createdAt: number;
  startsAt: number;
  endsAt: number;
  isCancelled: boolean;
  /** Sorted by index. */
  refusals: ImportRefusal[];
  /** Released once the job is applied. */
  profiles: ProfileAttributes[] | undefined;
}

export interface JobState {
  status: JobStatus;
  completedCount: number;
  failedCount: number;
  startedAt: number | undefined;
  completedAt: number | undefined;
}

export interface JobProcessing {
  queuedMs: number;
  profilesPerSecond: number;
}

/** Klaviyo keeps a job readable for a while after it ends; the length is not documented. */
const JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export function jobExpiresAt(job: ImportJob): number {
  return job.createdAt + JOB_RETENTION_MS;
}

function refusalOf(attributes: ProfileAttributes, faults: FaultInjector): { detail: string; field: string } | undefined {
  const { email, phone_number: phone } = attributes;
  if (typeof email === 'string' && email.length > 0) {
    if (!EMAIL_PATTERN.test(email)) return { detail: 'Invalid email address.', field: 'email' };
    if (faults.isRefusedEmail(email)) return { detail: 'The email address was refused.', field: 'email' };
  }
  if (typeof phone === 'string' && phone.length > 0 && !E164_PATTERN.test(phone)) {
    return { detail: 'Invalid phone number format (Example of a valid format: +12345678901).', field: 'phone_number' };
  }
  return undefined;
}

function countBelow(refusals: readonly ImportRefusal[], index: number): number {
  let low = 0;
  let high = refusals.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((refusals[middle] as ImportRefusal).index < index) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class ImportJobStore {
  readonly #jobs = new Map<string, ImportJob>();
  readonly #unsettled: ImportJob[] = [];
  readonly #store: SandboxStore;
  readonly #processing: JobProcessing;
  readonly #faults: FaultInjector;

  constructor(store: SandboxStore, processing: JobProcessing, faults: FaultInjector) {
    this.#store = store;
    this.#processing = processing;
    this.#faults = faults;
  }

  create(request: ImportRequest, now: number): ImportJob {
    const refusals: ImportRefusal[] = [];
    request.profiles.forEach((attributes, index) => {
      const refusal = refusalOf(attributes, this.#faults);
      if (refusal === undefined) return;
      refusals.push({
        id: randomUUID(),
        index,
        detail: refusal.detail,
        pointer:
          this.#faults.importErrorPointer === 'data' ? '/data' : `/data/attributes/profiles/data/${index}/attributes/${refusal.field}`,
        originalPayload: attributes,
      });
    });
    const total = request.profiles.length;
    const startsAt = now + this.#processing.queuedMs;
    const job: ImportJob = {
      id: randomBytes(16).toString('base64url'),
      listIds: request.listIds,
      totalCount: total,
      createdAt: now,
      startsAt,
      endsAt: startsAt + Math.ceil((total / this.#processing.profilesPerSecond) * 1000),
      isCancelled: this.#faults.shouldCancelJob(),
      refusals,
      profiles: request.profiles,
    };
    this.#jobs.set(job.id, job);
    this.#unsettled.push(job);
    return job;
  }

  job(id: string): ImportJob | undefined {
    return this.#jobs.get(id);
  }

  jobs(): ImportJob[] {
    return [...this.#jobs.values()];
  }

  stateOf(job: ImportJob, now: number): JobState {
    if (now < job.startsAt) {
      return { status: 'queued', completedCount: 0, failedCount: 0, startedAt: undefined, completedAt: undefined };
    }
    if (job.isCancelled) {
      return { status: 'cancelled', completedCount: 0, failedCount: 0, startedAt: undefined, completedAt: job.startsAt };
    }
    const isDone = now >= job.endsAt;
    const processed = isDone
      ? job.totalCount
      : Math.min(job.totalCount, Math.floor(((now - job.startsAt) / 1000) * this.#processing.profilesPerSecond));
    const failedCount = countBelow(job.refusals, processed);
    return {
      status: isDone ? 'complete' : 'processing',
      completedCount: processed - failedCount,
      failedCount,
      startedAt: job.startsAt,
      completedAt: isDone ? job.endsAt : undefined,
    };
  }

  /** Applies, in the order they ended, the jobs that have ended by `now`. */
  settleDueJobs(now: number): void {
    const due = this.#unsettled.filter((job) => job.endsAt <= now || (job.isCancelled && job.startsAt <= now));
    if (due.length === 0) return;
    const dueIds = new Set(due.map((job) => job.id));
    const remaining = this.#unsettled.filter((job) => !dueIds.has(job.id));
    this.#unsettled.splice(0, this.#unsettled.length, ...remaining);
    due.sort((a, b) => a.endsAt - b.endsAt);
    for (const job of due) this.#apply(job);
  }

  #apply(job: ImportJob): void {
    const profiles = job.profiles;
    job.profiles = undefined;
    if (job.isCancelled || profiles === undefined) return;
    const lists = job.listIds.map((id) => this.#store.list(id)).filter((list) => list !== undefined);
    let nextRefusal = 0;
    for (let index = 0; index < profiles.length; index += 1) {
      if (job.refusals[nextRefusal]?.index === index) {
        nextRefusal += 1;
        continue;
      }
      const profile = this.#store.upsertProfile(profiles[index] as ProfileAttributes, job.endsAt);
      if (profile === undefined) continue;
      for (const list of lists) this.#store.addMember(list, profile, job.endsAt);
    }
  }
}
