/**
 * When a cancelled import job is sent again. Klaviyo says nothing of why it cancels a job, and a
 * cancelled job applied nothing, so sending the same profiles again is safe (the import upserts by
 * email) and the only way to deliver them. A fixed few attempts lost whole batches when Klaviyo
 * cancelled many jobs (at 30%, one run in seven of 50,000 rows lost 10,000), so a batch is sent
 * again, after a growing pause, for as long as `--job-timeout` allows; without a job timeout, at
 * most MAX_RESUBMITS_WITHOUT_TIMEOUT times. When every job of the run is being cancelled
 * (CancellationStreak), waiting on is pointless: the batches are given up at once.
 */

export interface ResubmitLimits {
  /** `--job-timeout`: a batch is sent again only while this long has not passed since its first job was accepted. */
  readonly jobTimeoutMs?: number | undefined;
  /** Without a job timeout: resubmissions of one batch at most. */
  readonly maxResubmits?: number;
}

export type ResubmitDecision =
  { readonly resubmit: true; readonly delayMs: number } | { readonly resubmit: false; readonly description: string };

/** The pause before the first resubmission, doubled each time up to MAX_DELAY_MS. */
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 30_000;
/** 1 + 2 + 4 + 8 + 16 + 30·5 s, about 3 minutes of pauses, before a batch is given up. */
export const MAX_RESUBMITS_WITHOUT_TIMEOUT = 10;

/**
 * The pause before resubmission number `resubmission` (1-based): 1 s doubling to 30 s, of which a
 * random half (equal jitter), so that batches cancelled together are not sent again together.
 */
export function resubmitDelayMs(resubmission: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, resubmission - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** After the batch's `cancellations`-th cancelled job, `elapsedMs` after its first job was accepted. */
export function decideResubmit(
  state: { readonly cancellations: number; readonly elapsedMs: number; readonly isEveryJobCancelled: boolean },
  limits: ResubmitLimits,
  random: () => number,
): ResubmitDecision {
  const { cancellations, elapsedMs } = state;
  const times = cancellations === 1 ? 'once' : `${cancellations} times`;
  if (state.isEveryJobCancelled) {
    return {
      resubmit: false,
      description: `Klaviyo cancelled the import job ${times}, as it cancelled every job of the run lately; nothing of it was applied.`,
    };
  }
  const delayMs = resubmitDelayMs(cancellations, random);
  if (limits.jobTimeoutMs !== undefined) {
    if (elapsedMs + delayMs < limits.jobTimeoutMs) return { resubmit: true, delayMs };
    return {
      resubmit: false,
      description: `Klaviyo cancelled the import job ${times} within --job-timeout; nothing of it was applied.`,
    };
  }
  if (cancellations <= (limits.maxResubmits ?? MAX_RESUBMITS_WITHOUT_TIMEOUT)) return { resubmit: true, delayMs };
  return { resubmit: false, description: `Klaviyo cancelled the import job ${times}; nothing of it was applied.` };
}

/** Consecutive final jobs of the run, all cancelled, after which the run's jobs count as all cancelled. */
export const EVERY_JOB_CANCELLED_STREAK = 10;

/**
 * The run's final jobs in the order they ended: a streak of cancellations with no job complete
 * between them means Klaviyo is cancelling everything (at 30% cancelled, a streak of 10 happens
 * about once in 170,000 jobs).
 */
export class CancellationStreak {
  #streak = 0;

  noteFinal(status: 'complete' | 'cancelled'): void {
    this.#streak = status === 'cancelled' ? this.#streak + 1 : 0;
  }

  get isEveryJobCancelled(): boolean {
    return this.#streak >= EVERY_JOB_CANCELLED_STREAK;
  }
}
