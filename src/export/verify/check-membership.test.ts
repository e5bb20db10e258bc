import { describe, expect, it } from 'vitest';
import { nextChunk } from './check-membership.js';

const rowsOf = (count: number, localPart: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => ({ dedupeKey: `${localPart(i)}@example.com` }));

describe('nextChunk', () => {
  it('takes 100 typical emails a lookup', () => {
    const rows = rowsOf(250, (i) => `customer.number${i}`);
    expect([nextChunk(rows, 0).length, nextChunk(rows, 100).length, nextChunk(rows, 200).length]).toEqual([100, 100, 50]);
  });

  it('takes fewer when long emails would make the URL too long, but always at least one', () => {
    const long = rowsOf(100, (i) => `${'x'.repeat(60)}${i}`);
    const chunk = nextChunk(long, 0);
    expect(chunk.length).toBeLessThan(100);
    expect(chunk.length).toBeGreaterThan(50);
    const encoded = encodeURIComponent(chunk.map((row) => JSON.stringify(row.dedupeKey)).join(','));
    expect(encoded.length).toBeLessThanOrEqual(6_000);
    const huge = [{ dedupeKey: `${'y'.repeat(7_000)}@example.com` }, { dedupeKey: 'a@example.com' }];
    expect(nextChunk(huge, 0)).toHaveLength(1);
  });
});
