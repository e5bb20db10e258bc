import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Secret } from '../config/secret.js';
import { VERIFY_REPORT_VERSION, type VerifySummary } from '../report/verify-summary.js';
import { publishCiFailure, publishCiSummary } from './ci-summary.js';
import type { CliContext } from './cli-context.js';

const dir = mkdtempSync(join(tmpdir(), 'kx-ci-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'pk_ci_summary_test_key_000000000000';

const SUMMARY: VerifySummary = {
  version: VERIFY_REPORT_VERSION,
  command: 'verify',
  file: 'segment.csv',
  format: 'csv',
  listId: 'Y6nRLr',
  listName: 'Newsletter',
  outcome: 'all-present',
  rows: { read: 10, valid: 10, rejected: 0, duplicates: 0 },
  rejectedByReason: [],
  duplicates: { count: 0, lines: [] },
  sample: { all: true, size: null, seed: null, checked: 10 },
  present: 10,
  missing: { count: 0, lines: [] },
  attributes: null,
  requests: { requests: 2, retries: 0, throttled: 0, estimatedMs: 0, estimatedAllMs: 0 },
  timings: { startedAt: '2026-11-28T00:00:00.000Z', readMs: 10, checkMs: 20, totalMs: 30 },
};

function contextWith(env: Partial<CliContext['env']>) {
  const out = { stdout: '', stderr: '' };
  const context = {
    env: { apiKey: new Secret(KEY), baseUrl: undefined, revision: undefined, stateDir: undefined, noColor: true, ...env },
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  } as unknown as CliContext;
  return { context, out };
}

describe('publishCiSummary', () => {
  it('does nothing outside CI', () => {
    const { context, out } = contextWith({});
    publishCiSummary(context, SUMMARY, { isStdoutReserved: false });
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  it('appends to the step summary and annotates on stdout, or on stderr with --json', () => {
    const file = join(dir, 'summary.md');
    const { context, out } = contextWith({ githubStepSummary: file, isGithubActions: true });
    publishCiSummary(context, SUMMARY, { isStdoutReserved: false });
    publishCiSummary(context, SUMMARY, { isStdoutReserved: true });
    expect(readFileSync(file, 'utf8').match(/### klaviyo-export verify/g)).toHaveLength(2);
    expect(out.stdout).toMatch(/^::notice title=klaviyo-export verify::/);
    expect(out.stderr).toMatch(/^::notice title=klaviyo-export verify::/);
  });

  it('warns and goes on when the step summary cannot be written', () => {
    const { context, out } = contextWith({ githubStepSummary: join(dir, 'no', 'such', 'dir.md') });
    publishCiSummary(context, SUMMARY, { isStdoutReserved: false });
    expect(out.stderr).toBe('warning: cannot append the step summary to GITHUB_STEP_SUMMARY (ENOENT).\n');
  });
});

describe('publishCiFailure', () => {
  it('gives the failure, without an email address or the key', () => {
    const file = join(dir, 'failure.md');
    const { context, out } = contextWith({ githubStepSummary: file, isGithubActions: true });
    publishCiFailure(
      context,
      { command: 'push', message: `Key ${KEY} refused for ann@example.com.`, exitCode: 3 },
      { isStdoutReserved: false },
    );
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('### klaviyo-export push: failed (exit 3)');
    expect(markdown + out.stdout).not.toContain(KEY);
    expect(markdown + out.stdout).not.toContain('ann@example.com');
    expect(out.stdout).toBe('::error title=klaviyo-export push::Key *** refused for <email>.\n');
  });
});
