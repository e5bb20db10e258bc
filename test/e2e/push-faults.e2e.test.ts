import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

const KEY = 'pk_e2e_faults_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions): Promise<SandboxHandle> {
  sandbox = await startSandbox({
    keys: [{ key: KEY, scopes: 'all' }],
    jobProcessing: { queuedMs: 20, profilesPerSecond: 100_000 },
    ...options,
  });
  return sandbox;
}

function push(file: string, args: string[] = []) {
  return runCli(['push', '--list', LIST, '--yes', '--json', file, ...args], {
    env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
    timeoutMs: 120_000,
  });
}

describe('push through faults', () => {
  it('delivers exactly the expected members through 5xx, dropped connections, latency and cancelled jobs', async () => {
    await start({
      faults: { seed: 7, serverErrorRate: 0.05, dropBeforeRate: 0.02, dropAfterRate: 0.02, latencyMs: 5, cancelJobRate: 0.1 },
    });
    const { file, emails } = writeSegment(3000);
    const result = await push(file, ['--batch-size', '100']);
    expect(result.stderr).not.toContain(KEY);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    const summary = JSON.parse(result.stdout);
    expect(summary.outcome).toBe('delivered');
    expect(summary.delivery.imported).toBe(3000);
    expect(summary.delivery.retries + summary.delivery.resubmittedJobs).toBeGreaterThan(0);
    expect(sandbox!.stats().faultsInjected).toBeGreaterThan(0);
  }, 120_000);

  it('reports every row as not delivered, exit 1, when Klaviyo cancels every job', async () => {
    await start({ faults: { seed: 1, cancelJobRate: 1 } });
    const { file } = writeSegment(250);
    const rejects = join(makeTempDir(), 'rejects.csv');
    const result = await push(file, ['--batch-size', '100', '--rejects', rejects]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.delivery.imported).toBe(0);
    expect(summary.delivery.notDelivered.count).toBe(250);
    const rows = readFileSync(rejects, 'utf8').trim().split('\n').slice(1);
    expect(rows).toHaveLength(250);
    expect(rows.every((row) => /,not_delivered,.*cancelled/.test(row))).toBe(true);
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  }, 120_000);

  it('reports profiles Klaviyo refuses while importing, with their line, and exits 1', async () => {
    await start({ faults: { refuseEmailPattern: /^user(7|42)@/ } });
    const { file, emails } = writeSegment(100);
    const rejects = join(makeTempDir(), 'rejects.csv');
    const result = await push(file, ['--rejects', rejects]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.delivery.imported).toBe(98);
    expect(summary.delivery.refused).toBe(2);
    expect(summary.delivery.refusedByKlaviyo.flatMap((r: { lines: number[] }) => r.lines).sort()).toEqual([44, 9]);
    const text = readFileSync(rejects, 'utf8');
    expect(text).toMatch(/^9,klaviyo_[a-z_]+,.*user7@example.com/m);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(emails.filter((e) => !/^user(7|42)@/.test(e)).sort());
    expect(result.stdout).not.toContain('user7@example.com');
  });

  it('slows down under a 429 storm from another client on the same account, obeys Retry-After, and delivers everything', async () => {
    await start({ rateLimits: 'klaviyo' });
    const { file, emails } = writeSegment(2000);
    // Another integration on the same account hammers the bulk-import endpoint for two seconds,
    // from the push's preflight on: a loaded machine may take longer than that to start the CLI.
    const storm = (async () => {
      const startBy = Date.now() + 30_000;
      while ((sandbox!.stats().requests.get_list ?? 0) === 0 && Date.now() < startBy)
        await new Promise((resolve) => setTimeout(resolve, 10));
      const until = Date.now() + 2_000;
      let sent = 0;
      while (Date.now() < until && sent < 400) {
        sent += 1;
        await fetch(`${sandbox!.url}/api/profile-bulk-import-jobs`, {
          method: 'POST',
          headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' },
          body: '{"data":{"type":"profile-bulk-import-job","attributes":{}}}',
        }).then((r) => r.arrayBuffer());
      }
    })();
    const result = await push(file, ['--batch-size', '100']);
    await storm;
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.delivery.throttled).toBeGreaterThan(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  }, 120_000);
});
