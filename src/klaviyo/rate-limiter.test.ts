import { describe, expect, it } from 'vitest';
import { createFakeTime } from './fake-time.test-support.js';
import { MINUTE_MS, RateLimiter, SECOND_MS } from './rate-limiter.js';

function mediumTierLimiter(time = createFakeTime()): { limiter: RateLimiter; time: ReturnType<typeof createFakeTime> } {
  const windows = [
    { limit: 10, windowMs: SECOND_MS },
    { limit: 150, windowMs: MINUTE_MS },
  ];
  return { limiter: new RateLimiter({ windows, now: time.now, sleep: time.sleep }), time };
}

describe('RateLimiter (sliding-window log)', () => {
  it('tells each wait for a window before waiting it, and not the rechecks while slots are in flight', async () => {
    const { limiter, time } = mediumTierLimiter();
    const waits: number[] = [];
    for (let i = 0; i < 150; i += 1) {
      const release = await limiter.acquire(undefined, (ms) => waits.push(ms));
      release();
    }
    // 150 in a minute: the 151st waits for the steady window, which a caller can say out loud.
    waits.length = 0;
    (await limiter.acquire(undefined, (ms) => waits.push(ms)))();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(40_000);
    expect(time.delays.at(-1)).toBe(waits[0]);
  });

  it('holds a slot from the start until a window after the answer, so a slow request cannot let an 11th arrive in its window', async () => {
    const { limiter, time } = mediumTierLimiter();
    const releases: (() => void)[] = [];
    for (let i = 0; i < 10; i += 1) releases.push(await limiter.acquire());
    // Answers arrive 400 ms later: the server may have counted them as late as that.
    await time.sleep(400);
    for (const release of releases) release();
    const delaysBefore = time.delays.length;
    (await limiter.acquire())();
    expect(time.now()).toBe(1_400);
    expect(time.delays.length).toBeGreaterThan(delaysBefore);
  });

  it('waits while every slot is held by a request in flight, and starts once one is answered', async () => {
    const { limiter, time } = mediumTierLimiter();
    const releases: (() => void)[] = [];
    for (let i = 0; i < 10; i += 1) releases.push(await limiter.acquire());
    let started = false;
    const waiting = limiter.acquire().then((release) => {
      started = true;
      release();
    });
    await time.sleep(5_000);
    expect(started).toBe(false);
    releases.forEach((release) => release());
    await waiting;
    expect(started).toBe(true);
  });

  it('lets 10 requests start in a second and makes the 11th wait for the window to slide', async () => {
    const { limiter, time } = mediumTierLimiter();
    for (let i = 0; i < 10; i += 1) (await limiter.acquire())();
    expect(time.delays).toEqual([]);
    (await limiter.acquire())();
    expect(time.delays).toEqual([1_000]);
    expect(time.now()).toBe(1_000);
  });

  it('makes the 151st start in a minute wait until the first leaves the minute window', async () => {
    const { limiter, time } = mediumTierLimiter();
    const startTimes: number[] = [];
    for (let i = 0; i < 151; i += 1) {
      (await limiter.acquire())();
      startTimes.push(time.now());
    }
    expect(startTimes[149]).toBe(14_000);
    expect(startTimes[150]).toBe(60_000);
    // Never more than 150 starts in any 60 s window, nor more than 10 in any 1 s.
    for (const [index, start] of startTimes.entries()) {
      expect(startTimes.filter((other) => other >= start && other < start + MINUTE_MS).length, `window at #${index}`).toBeLessThanOrEqual(
        150,
      );
      expect(startTimes.filter((other) => other >= start && other < start + SECOND_MS).length).toBeLessThanOrEqual(10);
    }
  });

  it('holds every caller during a pause, with a single shared wait', async () => {
    const { limiter, time } = mediumTierLimiter();
    limiter.pause(5_000);
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(time.delays).toEqual([5_000]);
  });

  it('rejects a waiting caller with the signal reason when it aborts', async () => {
    const time = createFakeTime();
    const neverEnding = (_ms: number, signal?: AbortSignal): Promise<void> =>
      new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    const limiter = new RateLimiter({ windows: [{ limit: 1, windowMs: SECOND_MS }], now: time.now, sleep: neverEnding });
    const controller = new AbortController();
    await limiter.acquire(controller.signal);
    const waiting = limiter.acquire(controller.signal);
    const reason = new Error('interrupted');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });
});
