import { JobTimeoutError } from '../../errors.js';
import type { ImportJob, KlaviyoClient } from '../../klaviyo/klaviyo-client.js';

export interface JobWatcherOptions {
  readonly client: Pick<KlaviyoClient, 'getProfileImportJob'>;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  /** Stops waiting: pending watches reject with the signal's reason. */
  readonly signal?: AbortSignal;
  /** First look at a job this long after it was accepted. */
  readonly firstPollMs?: number;
  /** Longest pause between two looks at the same job. */
  readonly maxPollMs?: number;
  readonly onPolled?: (job: ImportJob) => void;
  /**
   * A job not final this long after the watch began is given up (JobTimeoutError): its profiles
   * stay unconfirmed and a later run follows it up. Klaviyo bounds nothing: a job can sit `queued`.
   */
  readonly jobTimeoutMs?: number;
  /** A status the spec does not name: the job is still polled; called once per job and status. */
  readonly onUnknownStatus?: (job: ImportJob) => void;
}

interface Watch {
  jobId: string;
  nextPollAt: number;
  intervalMs: number;
  /** Give the job up when a look at or after this time finds it not final. */
  deadline: number;
  unknownStatuses: Set<string>;
  resolve: (job: ImportJob) => void;
  reject: (error: unknown) => void;
}

const FINAL_STATUSES = new Set<ImportJob['status']>(['complete', 'cancelled']);
const KNOWN_STATUSES = new Set<ImportJob['status']>(['queued', 'processing', 'complete', 'cancelled']);
const IDLE_SLICE_MS = 200;
const BACKOFF_FACTOR = 1.5;

export function isFinalJob(job: ImportJob): boolean {
  return FINAL_STATUSES.has(job.status);
}

/**
 * Follows every submitted import job to `complete` or `cancelled` through ONE polling loop, so that
 * all jobs together stay within the job-read rate limit (10/s, 150/min, shared by all jobs) and the
 * uploads never wait on polling. Each job is looked at with a growing interval.
 */
export class JobWatcher {
  readonly #options: JobWatcherOptions;
  readonly #watches = new Map<string, Watch>();
  #isLooping = false;

  constructor(options: JobWatcherOptions) {
    this.#options = options;
  }

  get pending(): number {
    return this.#watches.size;
  }

  /** Resolves with the job once it is final. */
  waitForFinal(job: ImportJob): Promise<ImportJob> {
    if (isFinalJob(job)) return Promise.resolve(job);
    const signal = this.#options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<ImportJob>((resolve, reject) => {
      const firstPollMs = this.#options.firstPollMs ?? 1_000;
      const now = this.#options.now();
      this.#watches.set(job.id, {
        jobId: job.id,
        nextPollAt: now + firstPollMs,
        intervalMs: firstPollMs,
        deadline: now + (this.#options.jobTimeoutMs ?? Infinity),
        unknownStatuses: new Set(),
        resolve,
        reject,
      });
      if (!this.#isLooping) void this.#loop();
    });
  }

  async #loop(): Promise<void> {
    this.#isLooping = true;
    const { client, sleep, now, signal } = this.#options;
    const maxPollMs = this.#options.maxPollMs ?? 10_000;
    try {
      while (this.#watches.size > 0) {
        if (signal?.aborted) throw signal.reason;
        const due = this.#earliest();
        const waitMs = due.nextPollAt - now();
        if (waitMs > 0) {
          // Short slices: a job added meanwhile may be due sooner.
          await sleep(Math.min(waitMs, IDLE_SLICE_MS), signal);
          continue;
        }
        let job: ImportJob;
        try {
          job = await client.getProfileImportJob(due.jobId);
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          this.#watches.delete(due.jobId);
          due.reject(error);
          continue;
        }
        this.#options.onPolled?.(job);
        if (!KNOWN_STATUSES.has(job.status) && !due.unknownStatuses.has(job.status)) {
          due.unknownStatuses.add(job.status);
          this.#options.onUnknownStatus?.(job);
        }
        if (isFinalJob(job)) {
          this.#watches.delete(due.jobId);
          due.resolve(job);
        } else if (now() >= due.deadline) {
          this.#watches.delete(due.jobId);
          due.reject(new JobTimeoutError(due.jobId, this.#options.jobTimeoutMs ?? 0));
        } else {
          due.intervalMs = Math.min(maxPollMs, due.intervalMs * BACKOFF_FACTOR);
          // The last look falls on the deadline, not up to one interval after it.
          due.nextPollAt = Math.min(now() + due.intervalMs, due.deadline);
        }
      }
    } catch (error) {
      for (const watch of this.#watches.values()) watch.reject(error);
      this.#watches.clear();
    } finally {
      this.#isLooping = false;
    }
  }

  #earliest(): Watch {
    let earliest: Watch | undefined;
    for (const watch of this.#watches.values()) {
      if (!earliest || watch.nextPollAt < earliest.nextPollAt) earliest = watch;
    }
    return earliest!;
  }
}
