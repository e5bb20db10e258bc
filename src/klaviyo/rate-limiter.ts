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

/** Releases a request's slot once its answer has arrived. */
export type ReleaseSlot = () => void;

/** How often a caller looks again while every slot of a window is held by a request in flight. */
const IN_FLIGHT_RECHECK_MS = 25;

/**
 * Paces one operation's requests with a sliding-window log, so that Klaviyo never sees more than
 * `limit` of them in any window of `windowMs`. Klaviyo counts requests when they arrive, which is
 * some time between our start and the answer (a 2 MB body takes a while, and arrivals can come out
 * of order): so a request holds its slot from its start until `windowMs` after its answer. Counting
 * starts only was not enough: the 11th request could arrive in the server's window before the 1st
 * of ours had left it. Klaviyo's windows are fixed, and a sliding one is never looser.
 *
 * `pause(ms)` holds every caller of the operation (after a 429 and its Retry-After): one shared
 * wait, not one per caller.
 */
export class RateLimiter {
  readonly #windows: readonly SlidingWindow[];
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** One entry per request: Infinity while it is in flight, then the time its answer arrived. */
  #slots: { endedAt: number }[] = [];
  readonly #longestWindowMs: number;
  #pause: { until: number; done: Promise<void> } | undefined;

  constructor(options: RateLimiterOptions) {
    this.#windows = options.windows;
    this.#now = options.now;
    this.#sleep = options.sleep;
    this.#longestWindowMs = Math.max(0, ...options.windows.map((window) => window.windowMs));
  }

  /**
   * Resolves when a request may start, holding its slot until the returned release is called.
   * `onWait` hears each wait for a window to free a slot (not the short rechecks while every slot
   * is held by a request in flight), before it is waited.
   */
  async acquire(signal?: AbortSignal, onWait?: (ms: number) => void): Promise<ReleaseSlot> {
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
        const slot = { endedAt: Infinity };
        this.#slots.push(slot);
        return () => {
          if (slot.endedAt === Infinity) slot.endedAt = this.#now();
        };
      }
      if (waitMs > IN_FLIGHT_RECHECK_MS) onWait?.(waitMs);
      await this.#sleep(waitMs, signal);
    }
  }

  /** Milliseconds until one more request fits in every window (0 when it fits now). */
  waitBeforeStart(now: number): number {
    this.#slots = this.#slots.filter((slot) => slot.endedAt > now - this.#longestWindowMs);
    let waitMs = 0;
    for (const { limit, windowMs } of this.#windows) {
      const held = this.#slots.map((slot) => slot.endedAt).filter((endedAt) => endedAt > now - windowMs);
      if (held.length < limit) continue;
      // The window frees a slot when the `limit`-th most recently ended request leaves it.
      held.sort((a, b) => a - b);
      const blocking = held[held.length - limit]!;
      waitMs = Math.max(waitMs, blocking === Infinity ? IN_FLIGHT_RECHECK_MS : blocking + windowMs - now);
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
}

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
