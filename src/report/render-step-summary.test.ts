import { describe, expect, it } from 'vitest';
import { formatAnnotation, renderRunStepSummary, renderVerifyStepSummary, runAnnotation, verifyAnnotation } from './render-step-summary.js';
import { REPORT_VERSION, type RunSummary } from './run-summary.js';
import { VERIFY_REPORT_VERSION, type VerifySummary } from './verify-summary.js';

function pushSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    version: REPORT_VERSION,
    command: 'push',
    dryRun: false,
    file: 'exports/ann@example.com|segment.csv',
    format: 'csv',
    listId: 'Y6nRLr',
    listName: 'Newsletter',
    outcome: 'partially-delivered',
    rows: { read: 12_345, valid: 12_000, rejected: 300, duplicates: 45 },
    rejectedByReason: [{ reason: 'invalid_email', description: 'The email is not a valid address.', count: 300, lines: [2] }],
    duplicates: { count: 45, lines: [30] },
    warnings: [],
    plan: { exports: 1, batches: 2, maxPerExport: 100_000, maxPerRequest: 10_000 },
    mapping: { email: 'Email', fields: [], properties: [], notSent: [] },
    sync: null,
    delivery: {
      sent: 12_000,
      imported: 11_990,
      refusedByKlaviyo: [{ reason: 'klaviyo_invalid', description: 'bob@example.org is not valid.', count: 10, lines: [100] }],
      refused: 10,
      refusedWithoutDetail: 0,
      notDelivered: { count: 0, lines: [] },
      notDeliveredCauses: [],
      unconfirmed: 0,
      unattributed: { count: 0, jobs: [] },
      stoppedBy: null,
      unconfirmedLines: { count: 0, lines: [] },
      requests: 9,
      retries: 2,
      throttled: 1,
      resubmittedJobs: 0,
      resume: null,
      resumedBatches: 0,
      jobs: [
        { batch: 0, export: 0, jobId: 'JOB-A', status: 'complete', profiles: 10_000, imported: 9_990, failed: 10 },
        { batch: 1, export: 0, jobId: 'JOB-B', status: 'complete', profiles: 2_000, imported: 2_000, failed: 0 },
      ],
    },
    subscription: null,
    timings: { startedAt: '2026-11-28T00:00:00.000Z', readMs: 1200, sendMs: 3400, totalMs: 4600, promptMs: 0 },
    ...overrides,
  };
}

function verifySummary(overrides: Partial<VerifySummary> = {}): VerifySummary {
  return {
    version: VERIFY_REPORT_VERSION,
    command: 'verify',
    file: 'segment.csv',
    format: 'csv',
    listId: 'Y6nRLr',
    listName: 'Newsletter',
    outcome: 'some-missing',
    rows: { read: 2_000, valid: 1_990, rejected: 10, duplicates: 0 },
    rejectedByReason: [{ reason: 'blank_email', description: 'The email is blank.', count: 10, lines: [4] }],
    duplicates: { count: 0, lines: [] },
    sample: { all: false, size: 1_000, seed: 42, checked: 1_000 },
    present: 950,
    missing: { count: 50, lines: [3] },
    attributes: { fields: ['first_name'], mismatched: 2, byField: [{ field: 'first_name', column: 'First', count: 2, lines: [9] }] },
    requests: { requests: 11, retries: 0, throttled: 0, estimatedMs: 0, estimatedAllMs: 1_000 },
    timings: { startedAt: '2026-11-28T00:00:00.000Z', readMs: 100, checkMs: 900, totalMs: 1_000 },
    ...overrides,
  };
}

describe('renderRunStepSummary', () => {
  it('holds the outcome, counts, reasons, jobs and time, and no email address', () => {
    const markdown = renderRunStepSummary(pushSummary());
    expect(markdown).toContain('### klaviyo-export push: partially delivered');
    expect(markdown).toContain('| valid profiles | 12,000 |');
    expect(markdown).toContain('| imported | 11,990 |');
    expect(markdown).toContain('| invalid_email | 300 | The email is not a valid address. |');
    expect(markdown).toContain('| klaviyo_invalid | 10 | <email> is not valid. |');
    expect(markdown).toContain('**Jobs**: 2 (2 complete): `JOB-A`, `JOB-B`');
    expect(markdown).toContain('**Time**: 4.6 s');
    expect(markdown).not.toMatch(/@example\./);
    // A pipe in a name cannot break the table or the line it is on.
    expect(markdown).toContain('File `<email>\\|segment.csv`');
  });

  it('holds the sync counts of --mirror and --changed-only', () => {
    const markdown = renderRunStepSummary(
      pushSummary({
        sync: {
          mirror: 'list',
          changedOnly: true,
          hadState: true,
          added: 5,
          updated: 7,
          unchanged: 900,
          resent: 0,
          removals: { planned: 40, done: 38, failed: 2, notAttempted: 0, knownMembers: 1000, limit: 100, maxRemovals: '10%' },
          membersKept: 3,
          noRemovalReason: null,
        },
      }),
    );
    for (const row of [
      '| new in the list | 5 |',
      '| unchanged (skipped) | 900 |',
      '| removed | 38 |',
      '| removal failed | 2 |',
      '| members kept (no email) | 3 |',
    ]) {
      expect(markdown).toContain(row);
    }
  });
});

describe('renderVerifyStepSummary', () => {
  it('holds the sample, present, missing and differing counts', () => {
    const markdown = renderVerifyStepSummary(verifySummary());
    expect(markdown).toContain('### klaviyo-export verify: rows missing from the list');
    expect(markdown).toContain('a random sample of 1,000 rows (seed 42)');
    expect(markdown).toContain('| in the list | 950 |');
    expect(markdown).toContain('| missing | 50 |');
    expect(markdown).toContain('| first_name | First | 2 |');
  });
});

describe('annotations', () => {
  it('are an error, a warning or a notice after the outcome', () => {
    expect(runAnnotation(pushSummary()).level).toBe('warning');
    expect(runAnnotation(pushSummary({ outcome: 'delivered', rows: { read: 3, valid: 3, rejected: 0, duplicates: 0 } })).level).toBe(
      'notice',
    );
    // Rejected rows make a run that went well a warning: someone should look at them.
    expect(runAnnotation(pushSummary({ outcome: 'delivered' })).level).toBe('warning');
    expect(runAnnotation(pushSummary({ outcome: 'not-delivered' })).level).toBe('error');
    expect(verifyAnnotation(verifySummary()).level).toBe('error');
    expect(verifyAnnotation(verifySummary({ outcome: 'all-present' })).level).toBe('warning');
    expect(verifyAnnotation(verifySummary({ outcome: 'all-present', attributes: null })).level).toBe('notice');
  });

  it('are one workflow command line, with its data and properties escaped', () => {
    const line = formatAnnotation({ level: 'error', title: 'a: b, c', message: '100% done\nreally' });
    expect(line).toBe('::error title=a%3A b%2C c::100%25 done%0Areally\n');
    expect(formatAnnotation(runAnnotation(pushSummary()))).toBe(
      '::warning title=klaviyo-export push::Partially delivered: 11,990 of 12,000 valid profiles imported, 10 refused, 300 rows rejected.\n',
    );
  });
});
