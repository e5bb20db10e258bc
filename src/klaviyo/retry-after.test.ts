import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const NOW = Date.parse('2026-07-20T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['whole seconds', '7', 7_000],
    ['zero', '0', 0],
    ['padded', ' 12 ', 12_000],
    ['a fraction of a second, rounded up to the millisecond', '1.5', 1_500],
    ['an HTTP date in the future', 'Mon, 20 Jul 2026 12:00:30 GMT', 30_000],
    ['an HTTP date in the past', 'Mon, 20 Jul 2026 11:59:00 GMT', 0],
  ])('reads %s', (_label, header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });

  it.each([undefined, '', 'soon', '-3', '1e3', '.5'])('ignores %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });
});
