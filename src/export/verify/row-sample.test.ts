import { describe, expect, it } from 'vitest';
import { RowSample } from './row-sample.js';

const byValue = (a: number, b: number) => a - b;

function sampleOf(size: number | undefined, seed: number, count: number): number[] {
  const sample = new RowSample<number>(size, seed);
  for (let i = 1; i <= count; i += 1) sample.offer(i);
  return sample.items(byValue);
}

describe('RowSample', () => {
  it('keeps exactly the asked number of distinct items, the same ones for the same seed', () => {
    const first = sampleOf(100, 42, 10_000);
    expect(first).toHaveLength(100);
    expect(new Set(first).size).toBe(100);
    expect(sampleOf(100, 42, 10_000)).toEqual(first);
    expect(sampleOf(100, 43, 10_000)).not.toEqual(first);
  });

  it('keeps everything when the stream is shorter than the sample, or without a size', () => {
    expect(sampleOf(100, 1, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sampleOf(undefined, 1, 1_000)).toHaveLength(1_000);
  });

  it('draws from the whole stream, not only its start', () => {
    const picked = sampleOf(1_000, 7, 100_000);
    const secondHalf = picked.filter((value) => value > 50_000).length;
    // A uniform sample puts about half in each half (binomial, sd ~16).
    expect(secondHalf).toBeGreaterThan(420);
    expect(secondHalf).toBeLessThan(580);
  });
});
