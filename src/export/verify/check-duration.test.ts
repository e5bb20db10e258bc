import { describe, expect, it } from 'vitest';
import { minimumDurationMs } from './check-duration.js';

const L = { perSecond: 75, perMinute: 750 };

describe('minimumDurationMs', () => {
  it.each([
    [0, 0],
    [1, 0],
    [75, 0],
    [76, 1_000],
    [750, 9_000],
    [751, 60_000],
    // 840,000 emails, 100 a request: 8,400 requests, 11 full minutes then 150 more in 2 seconds.
    [8_400, 11 * 60_000 + 1_000],
  ])('%d requests at 75/s and 750/min take at least %d ms', (requests, ms) => {
    expect(minimumDurationMs(requests, L)).toBe(ms);
  });
});
