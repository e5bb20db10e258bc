import { describe, expect, it } from 'vitest';
import { describeVerifyPlan, formatDuration, renderVerifyText } from './render-verify-text.js';
import { VERIFY_REPORT_VERSION, type VerifySummary } from './verify-summary.js';

const SUMMARY: VerifySummary = {
  version: VERIFY_REPORT_VERSION,
  command: 'verify',
  file: 'segment.csv',
  format: 'csv',
  listId: 'Y6nRLr',
  listName: 'Newsletter',
  outcome: 'some-missing',
  rows: { read: 300, valid: 290, rejected: 10, duplicates: 0 },
  rejectedByReason: [{ reason: 'blank_email', description: 'The email is blank.', count: 10, lines: [4] }],
  duplicates: { count: 0, lines: [] },
  sample: { all: true, size: null, seed: null, checked: 290 },
  present: 283,
  missing: { count: 7, lines: [2, 3, 5, 8, 13, 21, 34] },
  attributes: null,
  requests: { requests: 4, retries: 0, throttled: 0, estimatedMs: 0, estimatedAllMs: 0 },
  timings: { startedAt: '2026-11-28T00:00:00.000Z', readMs: 100, checkMs: 900, totalMs: 1_000 },
};

describe('renderVerifyText', () => {
  it('says what was checked, what is missing with its first lines, and the outcome', () => {
    const text = renderVerifyText(SUMMARY);
    expect(text).toContain('checked              290 (every valid row)');
    expect(text).toContain('missing              7 (lines 2, 3, 5, 8, 13, ... 2 more)');
    expect(text).toMatch(/Missing: 7 checked rows not in the list/);
  });

  it('names the seed of a sample, and says when the file had fewer valid rows than the sample', () => {
    const sampled = renderVerifyText({ ...SUMMARY, sample: { all: false, size: 100, seed: 9, checked: 100 } });
    expect(sampled).toContain('checked              100 (random sample of 100, seed 9)');
    const small = renderVerifyText({ ...SUMMARY, sample: { all: false, size: 1_000, seed: 9, checked: 290 } });
    expect(small).toContain('checked              290 (every valid row: fewer than the sample of 1,000)');
  });
});

describe('describeVerifyPlan', () => {
  it('gives the time --all would take before a sample starts', () => {
    expect(describeVerifyPlan({ valid: 840_000, toCheck: 1_000, requests: 10, estimatedMs: 0, estimatedAllMs: 661_000 })).toBe(
      "Checking 1,000 of 840,000 valid rows in 10 requests; --all would take at least 11 min 1 s at Klaviyo's published rate (100 emails a request, 75/s, 750/min).",
    );
    expect(describeVerifyPlan({ valid: 50, toCheck: 50, requests: 1, estimatedMs: 0, estimatedAllMs: 0 })).toBe(
      'Checking 50 of 50 valid rows in 1 request.',
    );
  });

  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [60_000, '1 min'],
    [661_000, '11 min 1 s'],
    [7_500_000, '2 h 5 min'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
