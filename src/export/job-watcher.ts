import type { ImportJob, KlaviyoClient } from '../klaviyo/klaviyo-client.js';

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
}

interface Watch {
  jobId: string;
  nextPollAt: number;
  intervalMs: number;
  resolve: (job: ImportJob) => void;
  reject: (error: unknown) => void;
}

const FINAL_STATUSES = new Set<ImportJob['status']>(['complete', 'cancelled']);
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
      this.#watches.set(job.id, { jobId: job.id, nextPollAt: this.#options.now() + firstPollMs, intervalMs: firstPollMs, resolve, reject });
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
        if (isFinalJob(job)) {
          this.#watches.delete(due.jobId);
          due.resolve(job);
        } else {
          due.intervalMs = Math.min(maxPollMs, due.intervalMs * BACKOFF_FACTOR);
          due.nextPollAt = now() + due.intervalMs;
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
