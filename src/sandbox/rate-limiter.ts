import type { RateLimit } from './operations.js';

/**
 * Klaviyo's rate limits: per account (every key shares them), per operation, two fixed windows,
 * burst (1 s) and steady (60 s). A window opens with the first request after the previous one
 * ended. https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling
 */
const BURST_WINDOW_MS = 1_000;
const STEADY_WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  count: number;
}

export type RateDecision =
  | {
      isAllowed: true;
      /** The steady window's state, for the RateLimit-* headers. */
      limit: number;
      remaining: number;
      resetSeconds: number;
    }
  | { isAllowed: false; retryAfterSeconds: number };

function currentWindow(windows: Map<string, Window>, key: string, sizeMs: number, now: number): Window {
  const existing = windows.get(key);
  if (existing !== undefined && now < existing.startedAt + sizeMs) return existing;
  const opened = { startedAt: now, count: 0 };
  windows.set(key, opened);
  return opened;
}

function secondsUntilEnd(window: Window, sizeMs: number, now: number): number {
  return Math.max(1, Math.ceil((window.startedAt + sizeMs - now) / 1000));
}

export class RateLimiter {
  readonly #burst = new Map<string, Window>();
  readonly #steady = new Map<string, Window>();

  /** Counts the request when it is allowed; a throttled request uses no quota. */
  consume(bucket: string, limit: RateLimit, now: number): RateDecision {
    const burst = currentWindow(this.#burst, bucket, BURST_WINDOW_MS, now);
    const steady = currentWindow(this.#steady, bucket, STEADY_WINDOW_MS, now);
    if (steady.count >= limit.steady) {
      return { isAllowed: false, retryAfterSeconds: secondsUntilEnd(steady, STEADY_WINDOW_MS, now) };
    }
    if (burst.count >= limit.burst) {
      return { isAllowed: false, retryAfterSeconds: secondsUntilEnd(burst, BURST_WINDOW_MS, now) };
    }
    burst.count += 1;
    steady.count += 1;
    return {
      isAllowed: true,
      limit: limit.steady,
      remaining: limit.steady - steady.count,
      resetSeconds: secondsUntilEnd(steady, STEADY_WINDOW_MS, now),
    };
  }
}

export function rateLimitHeaders(decision: Extract<RateDecision, { isAllowed: true }>): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
  };
}
