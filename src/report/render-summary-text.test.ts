import { describe, expect, it } from 'vitest';
import { renderSummaryText } from './render-summary-text.js';
import { REPORT_VERSION, type RunSummary } from './run-summary.js';

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    version: REPORT_VERSION,
    command: 'push',
    dryRun: false,
    file: 'segment.csv',
    format: 'csv',
    listId: 'Y6nRLr',
    listName: 'Newsletter',
    outcome: 'partially-delivered',
    rows: { read: 12_345, valid: 12_000, rejected: 300, duplicates: 45 },
    rejectedByReason: [
      { reason: 'invalid_email', description: 'The email is not a valid address.', count: 300, lines: [2, 5, 9, 11, 14, 20] },
    ],
    duplicates: { count: 45, lines: [30] },
    warnings: [],
    plan: { exports: 1, batches: 2, maxPerExport: 100_000, maxPerRequest: 10_000 },
    mapping: { email: 'Email', fields: [], properties: [], notSent: [] },
    delivery: {
      sent: 12_000,
      imported: 11_990,
      refusedByKlaviyo: [{ reason: 'klaviyo_invalid', description: 'Invalid input.', count: 7, lines: [100, 200] }],
      refused: 10,
      refusedWithoutDetail: 3,
      unattributed: { count: 0, jobs: [] },
      stoppedBy: null,
      notDelivered: { count: 0, lines: [] },
      notDeliveredCauses: [],
      unconfirmed: 0,
      unconfirmedLines: { count: 0, lines: [] },
      requests: 9,
      retries: 2,
      throttled: 1,
      resubmittedJobs: 0,
      resume: null,
      resumedBatches: 0,
      jobs: [],
    },
    subscription: null,
    sync: null,
    timings: { startedAt: '2026-11-28T00:00:00.000Z', readMs: 1200, sendMs: 3400, totalMs: 4600, promptMs: 0 },
    ...overrides,
  };
}

describe('renderSummaryText', () => {
  it('keeps accepted and imported apart, and says what Klaviyo refused with and without lines', () => {
    const text = renderSummaryText(summary());
    expect(text).toContain('Push of segment.csv to list "Newsletter" (Y6nRLr)');
    expect(text).toMatch(/sent \(accepted\)\s+12,000/);
    expect(text).toMatch(/imported by Klaviyo\s+11,990/);
    expect(text).toMatch(/refused by Klaviyo\s+10/);
    expect(text).toContain('klaviyo_invalid: 7 (lines 100, 200, ... 5 more) - Invalid input.');
    expect(text).toContain('without detail: 3');
    expect(text).toContain('invalid_email: 300 (lines 2, 5, 9, 11, 14, ... 295 more)');
    expect(text).toMatch(/requests\s+9 \(2 retries, 1 throttled by Klaviyo/);
    expect(text.trim().split('\n').at(-1)).toMatch(/^Done with problems/);
  });

  it('counts import errors that matched no profile sent, with their job ids', () => {
    const base = summary();
    expect(renderSummaryText(base)).not.toContain('unattributed');
    const text = renderSummaryText(
      summary({ delivery: { ...base.delivery!, unattributed: { count: 3, jobs: [{ jobId: 'job-x', count: 3 }] } } }),
    );
    expect(text).toContain('unattributed: 3 import errors matched no profile sent (job job-x)');
  });

  it('ends with the sentence naming a local failure that stopped the delivery', () => {
    const base = summary();
    const stoppedBy = 'Stopped after uploads had begun, on a local failure: the disk is full (ENOSPC).';
    const text = renderSummaryText(summary({ delivery: { ...base.delivery!, stoppedBy } }));
    expect(text.trimEnd().endsWith(stoppedBy)).toBe(true);
    expect(text).not.toContain('Done with problems');
  });

  it('ends with a sentence that matches the outcome', () => {
    expect(renderSummaryText(summary({ outcome: 'delivered' }))).toMatch(/Done: every valid profile was imported/);
    expect(renderSummaryText(summary({ outcome: 'interrupted' }))).toMatch(/Interrupted/);
    expect(renderSummaryText(summary({ outcome: 'declined', delivery: null }))).toMatch(/Cancelled at the prompt: nothing was sent/);
    expect(renderSummaryText(summary({ command: 'validate', outcome: 'validated', delivery: null }))).toMatch(
      /Plan for segment.csv \(nothing sent\)[\s\S]*Ready: nothing was sent/,
    );
  });

  it('lists the jobs still running when they were not followed to the end', () => {
    const base = summary();
    const text = renderSummaryText(
      summary({
        outcome: 'submitted',
        delivery: {
          ...base.delivery!,
          unconfirmed: 12_000,
          unconfirmedLines: { count: 12_000, lines: [2, 3] },
          jobs: [
            { batch: 0, export: 0, jobId: 'job-a', status: 'queued', profiles: 10_000, imported: 0, failed: 0 },
            { batch: 1, export: 0, jobId: 'job-b', status: 'processing', profiles: 2_000, imported: 0, failed: 0 },
          ],
        },
      }),
    );
    expect(text).toMatch(/not yet confirmed\s+12,000/);
    expect(text).toMatch(/job ids\s+job-a, job-b/);
  });

  it('names why profiles were not delivered, and says the same command resumes only when the checkpoint was kept', () => {
    const base = summary();
    const notDelivered = {
      ...base.delivery!,
      refused: 0,
      refusedByKlaviyo: [],
      refusedWithoutDetail: 0,
      notDelivered: { count: 200, lines: [2, 3] },
      notDeliveredCauses: [
        { description: 'Klaviyo kept answering HTTP 503 for importing profiles after 7 attempts.', count: 150 },
        { description: 'Klaviyo cancelled the import job 4 times; nothing of it was applied.', count: 50 },
      ],
    };
    const resume = {
      checkpoint: '/s/push-Y6nRLr.checkpoint.json',
      requestsConfirmed: 3,
      jobsToFollow: 1,
      requestsToSend: 2,
      profilesToSend: 200,
    };
    const kept = renderSummaryText(summary({ delivery: { ...notDelivered, resume: { ...resume, isWithoutRestart: false } } }));
    expect(kept).toContain(
      'Done with problems: 200 not delivered (Klaviyo kept answering HTTP 503 for importing profiles after 7 attempts; 1 other cause in the report)',
    );
    expect(kept.trimEnd().split('\n').at(-1)).toBe(
      'Run the same command again to resume from the checkpoint: 3 confirmed requests are not sent again; 1 accepted job is followed up; 2 requests (200 profiles) are sent.',
    );
    const afterRestart = renderSummaryText(
      summary({ outcome: 'interrupted', delivery: { ...notDelivered, resume: { ...resume, isWithoutRestart: true } } }),
    );
    expect(afterRestart).toContain('Run the same command without --restart again to resume');
    // Refusals alone: the checkpoint is removed, and running again would not resume anything.
    expect(renderSummaryText(base)).not.toMatch(/resume/);
  });
});
