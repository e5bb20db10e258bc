import type { RateLimit } from '../../klaviyo/operations.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;

/**
 * The least time `requests` request starts take under a burst (per second) and a steady (per
 * minute) limit, as Klaviyo publishes them: whole minutes of `perMinute` requests, then the rest at
 * `perSecond` a second. Network time comes on top; the answer is what the limits alone allow.
 */
export function minimumDurationMs(requests: number, limits: RateLimit): number {
  if (requests <= 0) return 0;
  const fullMinutes = Math.floor((requests - 1) / limits.perMinute);
  const rest = requests - fullMinutes * limits.perMinute;
  return fullMinutes * MINUTE_MS + (Math.ceil(rest / limits.perSecond) - 1) * SECOND_MS;
}
