import { describe, expect, it } from 'vitest';
import { WaitReport, type WaitLine } from './wait-report.js';

/** A clock moved by hand and timers that fire when it passes them. */
function harness() {
  let now = 0;
  const lines: WaitLine[] = [];
  const timers: { at: number; run: () => void; isCancelled: boolean }[] = [];
  const report = new WaitReport({
    write: (line) => lines.push(line),
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run, isCancelled: false };
      timers.push(timer);
      return () => {
        timer.isCancelled = true;
      };
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.splice(0)) {
      if (timer.isCancelled) continue;
      if (timer.at <= now) timer.run();
      else timers.push(timer);
    }
  };
  return { report, lines, advance, messages: () => lines.map((line) => line.message) };
}

describe('WaitReport', () => {
  it('tells a long wait for the rate limit at once, in plain words, and leaves the normal pace unsaid', () => {
    const { report, messages, lines } = harness();
    report.add({ type: 'paced', operation: 'bulk_import_profiles', waitMs: 800 });
    expect(messages()).toEqual([]);
    report.add({ type: 'paced', operation: 'bulk_import_profiles', waitMs: 38_200 });
    expect(messages()).toEqual(["Waiting 38 s for Klaviyo's rate limit on importing profiles into the list (10/s, 150/min)."]);
    expect(lines[0]!.fields).toEqual({ cause: 'rate-limit', operation: 'bulk_import_profiles', waitMs: 38_200 });
  });

  it('turns a storm into one line every few seconds, with counts', () => {
    const { report, messages, advance } = harness();
    report.add({ type: 'retry', operation: 'get_bulk_import_profiles_job', attempt: 1, reason: 'HTTP 503', delayMs: 400 });
    for (let i = 0; i < 12; i += 1) {
      advance(100);
      report.add({ type: 'retry', operation: 'get_bulk_import_profiles_job', attempt: 2, reason: 'HTTP 503', delayMs: 1_900 });
      report.add({ type: 'throttled', operation: 'bulk_import_profiles', retryAfterMs: 30_000 });
    }
    expect(messages()).toEqual(['Reading the import job failed (HTTP 503): retrying in 0.4 s (attempt 2 of 7).']);
    advance(5_000);
    expect(messages().slice(1)).toEqual([
      'Still waiting: 12 retries of reading the import job after HTTP 503, up to 2 s; 12 429 answers for importing profiles into the list, up to 30 s.',
    ]);
    advance(60_000);
    expect(messages()).toHaveLength(2);
  });

  it('tells import jobs that stay unfinished, at most every 15 s, and forgets those that end', () => {
    const { report, messages, advance } = harness();
    report.jobPolled('job-a', 'queued');
    report.jobPolled('job-b', 'processing');
    advance(4_000);
    report.jobPolled('job-a', 'queued');
    expect(messages()).toEqual([]);
    advance(2_000);
    report.jobPolled('job-b', 'processing');
    expect(messages()).toEqual(['Waiting for Klaviyo to finish 2 import jobs (1 queued, 1 processing); the longest for 6 s.']);
    advance(5_000);
    report.jobPolled('job-a', 'queued');
    expect(messages()).toHaveLength(1);
    report.jobPolled('job-b', 'complete');
    report.jobFinished('job-a');
    advance(20_000);
    report.jobPolled('job-c', 'queued');
    expect(messages()).toHaveLength(1);
  });

  it('says nothing more once closed', () => {
    const { report, messages, advance } = harness();
    report.add({ type: 'throttled', operation: 'get_list', retryAfterMs: 5_000 });
    report.add({ type: 'throttled', operation: 'get_list', retryAfterMs: 5_000 });
    report.close();
    advance(10_000);
    expect(messages()).toEqual(['Klaviyo answered 429 (too many requests) for reading the list: waiting 5 s, as its Retry-After asks.']);
  });
});
