import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

const KEY = 'pk_e2e_resume_0123456789abcdef';
const LIST = 'Y6nRLr';
const ROWS = 2000;
const BATCH = 100;
/** Requests in flight at once in the CLI: the most a crash can leave unrecorded. */
const IN_FLIGHT = 4;

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function eventOf(line: string): { event?: string; [key: string]: unknown } {
  try {
    return JSON.parse(line) as { event?: string };
  } catch {
    return {};
  }
}

function push(file: string, stateDir: string, extra: Partial<Parameters<typeof runCli>[1]> = {}, args: string[] = []) {
  return runCli(
    [
      'push',
      '--list',
      LIST,
      '--yes',
      '--json',
      '--log-format',
      'json',
      '--batch-size',
      String(BATCH),
      '--state-dir',
      stateDir,
      file,
      ...args,
    ],
    {
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
      timeoutMs: 90_000,
      ...extra,
    },
  );
}

describe('resume after a crash (SIGKILL)', () => {
  it.each([
    ['after the preflight', (e: ReturnType<typeof eventOf>) => e.event === 'preflight-ok', 200],
    ['mid-export', (e: ReturnType<typeof eventOf>, accepted: number) => e.event === 'accepted' && accepted >= 5, 200],
    [
      'between submit and confirm',
      (e: ReturnType<typeof eventOf>, accepted: number) => e.event === 'accepted' && accepted >= ROWS / BATCH,
      3_000,
    ],
  ])(
    '%s: the re-run delivers exactly the expected members, re-sending at most the requests in flight',
    async (_point, shouldKill, queuedMs) => {
      sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs, profilesPerSecond: 100_000 } });
      const { file, emails } = writeSegment(ROWS);
      const stateDir = makeTempDir();
      let accepted = 0;
      const crashed = await push(file, stateDir, {
        killWhen: (line) => {
          const event = eventOf(line);
          if (event.event === 'accepted') accepted += 1;
          return shouldKill(event, accepted);
        },
      });
      expect(crashed.signal).toBe('SIGKILL');

      const rerun = await push(file, stateDir);
      expect(rerun.stderr).not.toContain(KEY);
      expect(rerun.code).toBe(0);
      expect(sandbox.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
      const received = sandbox.stats().profilesReceived;
      expect(received).toBeGreaterThanOrEqual(ROWS);
      expect(received).toBeLessThanOrEqual(ROWS + IN_FLIGHT * BATCH);
      const summary = JSON.parse(rerun.stdout);
      expect(summary.outcome).toBe('delivered');
      expect(summary.delivery.imported).toBe(ROWS);
      // A finished run leaves no checkpoint and no lock behind.
      expect(readdirSync(stateDir)).toEqual([]);
    },
    120_000,
  );

  it('follows up jobs submitted before the crash instead of sending them again', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 3_000, profilesPerSecond: 100_000 } });
    const { file } = writeSegment(500);
    const stateDir = makeTempDir();
    let accepted = 0;
    await push(file, stateDir, { killWhen: (line) => eventOf(line).event === 'accepted' && ++accepted >= 5 });
    const rerun = await push(file, stateDir);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/checkpoint-resume/);
    expect(sandbox.stats().profilesReceived).toBe(500);
  }, 120_000);

  it('does not use a checkpoint made for another file, and says why', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 3_000, profilesPerSecond: 100_000 } });
    const first = writeSegment(300, { prefix: 'first' });
    const stateDir = makeTempDir();
    await push(first.file, stateDir, { killWhen: (line) => eventOf(line).event === 'accepted' });
    expect(readdirSync(stateDir).some((name) => name.endsWith('.checkpoint.json'))).toBe(true);
    const second = writeSegment(300, { prefix: 'second' });
    const rerun = await push(second.file, stateDir, {}, []);
    expect(rerun.code).toBe(0);
    const mismatch = rerun.stderr
      .split('\n')
      .map(eventOf)
      .find((e) => e.event === 'checkpoint-mismatch');
    expect(mismatch?.reason).toMatch(/file changed/);
  }, 120_000);

  it('sends everything again when klaviyo-export was upgraded between the crash and the rerun', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 3_000, profilesPerSecond: 100_000 } });
    const { file, emails } = writeSegment(300);
    const stateDir = makeTempDir();
    await push(file, stateDir, { killWhen: (line) => eventOf(line).event === 'accepted' });
    const checkpointFile = join(
      stateDir,
      readdirSync(stateDir).find((name) => name.endsWith('.checkpoint.json'))!,
    );
    // What an older release would have left: the same file and list, another klaviyo-export.
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { software: { klaviyoExport: string } };
    writeFileSync(checkpointFile, JSON.stringify({ ...checkpoint, software: { ...checkpoint.software, klaviyoExport: '0.0.1' } }));
    const rerun = await push(file, stateDir);
    expect(rerun.code).toBe(0);
    const mismatch = rerun.stderr
      .split('\n')
      .map(eventOf)
      .find((e) => e.event === 'checkpoint-mismatch');
    expect(mismatch?.reason).toMatch(/klaviyo-export changed from 0\.0\.1 to \d+\.\d+\.\d+ since the interrupted run/);
    expect(sandbox.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    expect(JSON.parse(rerun.stdout).delivery.imported).toBe(300);
  }, 120_000);

  it('takes over a lock whose pid now belongs to another process (pid reused after a crash)', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }] });
    const { file } = writeSegment(50);
    const stateDir = makeTempDir();
    // The test runner is alive, but it started long before the run that "wrote" this lock.
    writeFileSync(
      join(stateDir, `push-${LIST}.lock`),
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', processStart: '1' }),
    );
    const rerun = await push(file, stateDir);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/lock-takeover/);
  }, 60_000);

  it('refuses a second run on the same list and state directory with exit 4', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 2_000, profilesPerSecond: 100_000 } });
    const { file } = writeSegment(200);
    const stateDir = makeTempDir();
    let secondRun: ReturnType<typeof runCli> | undefined;
    const first = await push(file, stateDir, {
      killWhen: (line) => {
        if (eventOf(line).event === 'accepted') secondRun ??= push(file, stateDir);
        return false;
      },
    });
    expect(secondRun).toBeDefined();
    const second = await secondRun!;
    expect(first.code).toBe(0);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/pid \d+/);
    expect(existsSync(join(stateDir, `push-${LIST}.lock`))).toBe(false);
  }, 120_000);
});
