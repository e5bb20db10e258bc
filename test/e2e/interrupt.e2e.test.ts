import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

const KEY = 'pk_e2e_interrupt_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function isEvent(line: string, name: string): boolean {
  try {
    return (JSON.parse(line) as { event?: string }).event === name;
  } catch {
    return false;
  }
}

describe('stopping a push', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s: stops sending, reports what was and was not delivered, exits 130',
    async (signal) => {
      // Slow requests, so that the stop lands while most of the file is still unsent.
      sandbox = await startSandbox({
        keys: [{ key: KEY, scopes: 'all' }],
        faults: { latencyMs: 150 },
        jobProcessing: { queuedMs: 50, profilesPerSecond: 100_000 },
      });
      const { file } = writeSegment(3000);
      const dir = makeTempDir();
      let accepted = 0;
      const result = await runCli(
        [
          'push',
          '--list',
          LIST,
          '--yes',
          '--json',
          '--log-format',
          'json',
          '--batch-size',
          '100',
          '--state-dir',
          dir,
          '--report',
          join(dir, 'report.json'),
          '--rejects',
          join(dir, 'rejects.csv'),
          file,
        ],
        {
          env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
          killWhen: (line) => isEvent(line, 'accepted') && ++accepted >= 3,
          killSignal: signal,
          timeoutMs: 60_000,
        },
      );
      expect(result.code).toBe(130);
      const summary = JSON.parse(result.stdout);
      expect(summary.outcome).toBe('interrupted');
      const d = summary.delivery;
      expect(d.notDelivered.count).toBeGreaterThan(0);
      // Every valid row is accounted for: imported, not delivered, or sent but not confirmed.
      expect(d.imported + d.notDelivered.count + d.unconfirmed + d.refused).toBe(3000);
      // The report is written even when interrupted.
      expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).outcome).toBe('interrupted');
      const rejectRows = readFileSync(join(dir, 'rejects.csv'), 'utf8').trim().split('\n').length - 1;
      // Rows not delivered, and rows sent in jobs that were not followed to their end, each with its line.
      expect(rejectRows).toBe(d.notDelivered.count + d.unconfirmed);
      expect(sandbox.listMemberEmails(LIST).length).toBeLessThan(3000);
    },
    90_000,
  );

  it('--timeout stops like SIGTERM but exits 1, with what was delivered', async () => {
    sandbox = await startSandbox({
      keys: [{ key: KEY, scopes: 'all' }],
      faults: { latencyMs: 200 },
      jobProcessing: { queuedMs: 50, profilesPerSecond: 100_000 },
    });
    const { file } = writeSegment(3000);
    const dir = makeTempDir();
    const result = await runCli(
      ['push', '--list', LIST, '--yes', '--json', '--batch-size', '100', '--state-dir', dir, '--timeout', '2s', file],
      {
        env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
        timeoutMs: 60_000,
      },
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.outcome).toBe('deadline');
    expect(summary.delivery.notDelivered.count).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/timeout/i);
  }, 90_000);

  it('--log-format json writes one JSON object per stderr line, with no email and no key', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 100_000 } });
    const { file } = writeSegment(300);
    const result = await runCli(
      ['push', '--list', LIST, '--yes', '--log-format', 'json', '--batch-size', '100', '--state-dir', makeTempDir(), file],
      {
        env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
      },
    );
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const event of events) {
      expect(typeof event.timestamp).toBe('string');
      expect(['debug', 'info', 'warn', 'error']).toContain(event.level);
      expect(typeof event.event).toBe('string');
    }
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['preflight-ok', 'read-done', 'accepted', 'send']));
    expect(result.stderr).not.toMatch(/@example\.com/);
    expect(result.stderr + result.stdout).not.toContain(KEY);
  });
});
