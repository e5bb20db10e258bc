import { describe, expect, it } from 'vitest';
import { CancellationStreak, decideResubmit, resubmitDelayMs } from './resubmit-policy.js';

describe('resubmitDelayMs', () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0.5, 1500],
    [3, 0.5, 3000],
    [5, 1, 16_000],
    [6, 1, 30_000],
    [20, 0, 15_000],
  ])('resubmission %i with random %f waits %i ms: 1 s doubling to 30 s, a random half of it', (n, random, ms) => {
    expect(resubmitDelayMs(n, () => random)).toBe(ms);
  });
});

describe('decideResubmit', () => {
  const half = () => 0.5;
  const state = (cancellations: number, elapsedMs = 0, isEveryJobCancelled = false) => ({ cancellations, elapsedMs, isEveryJobCancelled });

  it('resubmits while the pause ends before --job-timeout, however many times', () => {
    expect(decideResubmit(state(25, 60_000), { jobTimeoutMs: 30 * 60_000 }, half)).toEqual({ resubmit: true, delayMs: 22_500 });
  });

  it('gives up when the pause would end past --job-timeout', () => {
    expect(decideResubmit(state(3, 58_000), { jobTimeoutMs: 60_000 }, half)).toEqual({
      resubmit: false,
      description: 'Klaviyo cancelled the import job 3 times within --job-timeout; nothing of it was applied.',
    });
  });

  it('without a job timeout, resubmits up to the cap', () => {
    expect(decideResubmit(state(10), {}, half).resubmit).toBe(true);
    expect(decideResubmit(state(11), {}, half)).toEqual({
      resubmit: false,
      description: 'Klaviyo cancelled the import job 11 times; nothing of it was applied.',
    });
    expect(decideResubmit(state(3), { maxResubmits: 2 }, half).resubmit).toBe(false);
  });

  it('gives up at once when every job of the run is being cancelled, whatever the time left', () => {
    const decision = decideResubmit(state(1, 0, true), { jobTimeoutMs: 3_600_000 }, half);
    expect(decision).toEqual({
      resubmit: false,
      description: 'Klaviyo cancelled the import job once, as it cancelled every job of the run lately; nothing of it was applied.',
    });
  });
});

describe('CancellationStreak', () => {
  it('counts the run as all cancelled after 10 cancelled jobs in a row, and not after a complete one', () => {
    const streak = new CancellationStreak();
    for (let i = 0; i < 9; i += 1) streak.noteFinal('cancelled');
    expect(streak.isEveryJobCancelled).toBe(false);
    streak.noteFinal('complete');
    for (let i = 0; i < 9; i += 1) streak.noteFinal('cancelled');
    expect(streak.isEveryJobCancelled).toBe(false);
    streak.noteFinal('cancelled');
    expect(streak.isEveryJobCancelled).toBe(true);
  });
});
