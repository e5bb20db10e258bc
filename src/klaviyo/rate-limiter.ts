import { raceAbort } from './abortable-sleep.js';

export interface SlidingWindow {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimiterOptions {
  readonly windows: readonly SlidingWindow[];
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Paces the starts of one operation's requests: a sliding-window log, so that no window of
 * `windowMs` ever holds more than `limit` starts. Klaviyo counts in fixed windows; a sliding
 * window is never looser than that, so a normal run paces itself instead of leaning on 429s.
 *
 * `pause(ms)` holds every caller of the operation (after a 429 and its Retry-After): one shared
 * wait, not one per caller.
 */
export class RateLimiter {
  readonly #windows: readonly SlidingWindow[];
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #starts: number[] = [];
  readonly #longestWindowMs: number;
  #pause: { until: number; done: Promise<void> } | undefined;

  constructor(options: RateLimiterOptions) {
    this.#windows = options.windows;
    this.#now = options.now;
    this.#sleep = options.sleep;
    this.#longestWindowMs = Math.max(0, ...options.windows.map((window) => window.windowMs));
  }

  /** Resolves when a request may start, and counts that start. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const pause = this.#pause;
      if (pause) {
        await raceAbort(pause.done, signal);
        if (this.#pause === pause) this.#pause = undefined;
        continue;
      }
      const now = this.#now();
      const waitMs = this.waitBeforeStart(now);
      if (waitMs <= 0) {
        this.#starts.push(now);
        return;
      }
      await this.#sleep(waitMs, signal);
    }
  }

  /** Milliseconds until one more start fits in every window (0 when it fits now). */
  waitBeforeStart(now: number): number {
    this.#forgetStartsBefore(now - this.#longestWindowMs);
    let waitMs = 0;
    for (const { limit, windowMs } of this.#windows) {
      const startsInWindow = this.#starts.filter((start) => start > now - windowMs);
      if (startsInWindow.length < limit) continue;
      // The window frees a slot when its `limit`-th most recent start leaves it.
      const blocking = startsInWindow[startsInWindow.length - limit];
      if (blocking !== undefined) waitMs = Math.max(waitMs, blocking + windowMs - now);
    }
    return waitMs;
  }

  /** Holds every caller for `ms` (a 429's Retry-After); a longer pause already running wins. */
  pause(ms: number, signal?: AbortSignal): void {
    const until = this.#now() + ms;
    if (this.#pause && this.#pause.until >= until) return;
    const done = this.#sleep(ms, signal);
    // A pause nobody waits for must not become an unhandled rejection; waiters see the rejection.
    done.catch(() => undefined);
    this.#pause = { until, done };
  }

  #forgetStartsBefore(cutoff: number): void {
    while (this.#starts.length > 0 && (this.#starts[0] ?? Infinity) <= cutoff) this.#starts.shift();
  }
}

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
