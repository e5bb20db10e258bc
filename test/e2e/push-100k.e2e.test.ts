import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

const KEY = 'pk_e2e_100k_0123456789abcdef';
const LIST = 'XyZ123';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('a 100,000-profile push with Klaviyo’s real rate limits', () => {
  it('delivers exactly the 100,000 members without a single 429', async () => {
    sandbox = await startSandbox({
      keys: [{ key: KEY, scopes: 'all' }],
      rateLimits: 'klaviyo',
      jobProcessing: { queuedMs: 500, profilesPerSecond: 20_000 },
    });
    const { file, emails } = writeSegment(100_000);
    const result = await runCli(['push', '--list', LIST, '--yes', '--json', '--state-dir', makeTempDir(), file], {
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
      timeoutMs: 120_000,
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.delivery.imported).toBe(100_000);
    expect(summary.delivery.throttled).toBe(0);
    expect(sandbox.stats().throttled).toBe(0);
    const members = sandbox.listMemberEmails(LIST);
    expect(members.length).toBe(100_000);
    expect(new Set(members)).toEqual(new Set(emails));
  }, 150_000);
});

describe('--no-wait', () => {
  it('submits the jobs, reports their ids and exits 0; the same command without --no-wait then follows them up', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 1_500, profilesPerSecond: 10_000 } });
    const { file, emails } = writeSegment(250);
    const stateDir = makeTempDir();
    const push = (...extra: string[]) =>
      runCli(['push', '--list', LIST, '--yes', '--json', '--batch-size', '100', '--state-dir', stateDir, file, ...extra], {
        env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
      });
    const submitted = await push('--no-wait');
    expect(submitted.code).toBe(0);
    const summary = JSON.parse(submitted.stdout);
    expect(summary.outcome).toBe('submitted');
    expect(summary.delivery.sent).toBe(250);
    expect(summary.delivery.unconfirmed).toBe(250);
    expect(summary.delivery.jobs).toHaveLength(3);
    expect(summary.delivery.jobs.every((job: { jobId: string }) => job.jobId.length > 0)).toBe(true);
    expect(sandbox.stats().requests.get_bulk_import_profiles_job ?? 0).toBe(0);

    const followedUp = await push();
    expect(followedUp.code).toBe(0);
    expect(JSON.parse(followedUp.stdout).delivery.imported).toBe(250);
    expect(sandbox.stats().profilesReceived).toBe(250);
    expect(sandbox.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });
});
