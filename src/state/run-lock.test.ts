import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, LockedError, UsageError } from '../errors.js';
import { acquireRunLock, parseProcessStart, readProcessStart, runLockPath, type RunLockOptions } from './run-lock.js';

const LIST = 'XyZ123';
const now = () => new Date('2026-03-04T05:06:07Z');
const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'klaviyo-export-lock-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function as(pid: number, host: string, livePids: number[]): RunLockOptions {
  return { pid, host, now, isProcessAlive: alive(livePids), processStartOf: () => undefined };
}

async function expectLocked(promise: Promise<unknown>): Promise<LockedError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LockedError);
  return error as LockedError;
}

describe('acquireRunLock', () => {
  it('creates the lock naming its owner and release() removes it', async () => {
    const lock = await acquireRunLock(join(stateDir, 'new'), LIST, as(100, 'box', [100]));
    expect(lock.path).toBe(runLockPath(join(stateDir, 'new'), LIST));
    expect(lock.tookOverFrom).toBeUndefined();
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toEqual({ pid: 100, host: 'box', startedAt: '2026-03-04T05:06:07.000Z' });
    await lock.release();
    expect(await readdir(join(stateDir, 'new'))).toEqual([]);
    const next = await acquireRunLock(join(stateDir, 'new'), LIST, as(101, 'box', [101]));
    expect(next.tookOverFrom).toBeUndefined();
  });

  it('refuses a second run while the first is alive, naming pid, host and the lock (exit 4)', async () => {
    const first = await acquireRunLock(stateDir, LIST, as(100, 'box', [100, 200]));
    const error = await expectLocked(acquireRunLock(stateDir, LIST, as(200, 'box', [100, 200])));
    expect(error.exitCode).toBe(ExitCode.locked);
    expect(error.message).toBe(
      `Another klaviyo-export push to list ${LIST} is running (pid 100 on host box since 2026-03-04T05:06:07.000Z); wait for it to finish, or remove ${first.path} if it is not running.`,
    );
    expect(JSON.parse(await readFile(first.path, 'utf8'))).toMatchObject({ pid: 100 });
  });

  it('lets runs on other lists go ahead', async () => {
    await acquireRunLock(stateDir, LIST, as(100, 'box', [100, 200]));
    const other = await acquireRunLock(stateDir, 'Other1', as(200, 'box', [100, 200]));
    expect(other.path).toBe(runLockPath(stateDir, 'Other1'));
    expect(other.tookOverFrom).toBeUndefined();
  });

  it('takes over the lock of a run that died, and says whose it was', async () => {
    await acquireRunLock(stateDir, LIST, as(100, 'box', []));
    const lock = await acquireRunLock(stateDir, LIST, as(200, 'box', [200]));
    expect(lock.tookOverFrom).toEqual({ pid: 100, host: 'box', startedAt: '2026-03-04T05:06:07.000Z' });
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: 200, host: 'box' });
    expect((await readdir(stateDir)).sort()).toEqual([`push-${LIST}.lock`]);
  });

  it('takes over a lock left by an earlier process with its own pid (pid 1 in a container)', async () => {
    await acquireRunLock(stateDir, LIST, as(1, 'box', [1]));
    const lock = await acquireRunLock(stateDir, LIST, as(1, 'box', [1]));
    expect(lock.tookOverFrom).toMatchObject({ pid: 1 });
  });

  it('lets only one of two runs take over the same stale lock', async () => {
    await acquireRunLock(stateDir, LIST, as(100, 'box', []));
    const results = await Promise.allSettled([
      acquireRunLock(stateDir, LIST, as(200, 'box', [200, 300])),
      acquireRunLock(stateDir, LIST, as(300, 'box', [200, 300])),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(LockedError);
  });

  it('refuses a lock held on another host, since it cannot tell whether that run is alive', async () => {
    await acquireRunLock(stateDir, LIST, as(100, 'other-box', []));
    const error = await expectLocked(acquireRunLock(stateDir, LIST, as(200, 'box', [200])));
    expect(error.message).toContain('pid 100 on host other-box');
    expect(error.message).toContain('this host cannot tell');
    expect(error.message).toContain(runLockPath(stateDir, LIST));
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not json {'],
    ['wrong shape', '{"pid":"x"}'],
  ])('replaces an unreadable (%s) lock file and says so', async (_case, text) => {
    await writeFile(runLockPath(stateDir, LIST), text);
    const lock = await acquireRunLock(stateDir, LIST, as(200, 'box', [200]));
    expect(lock.tookOverFrom).toBeUndefined();
    expect(lock.replacedUnreadableLock).toBe(true);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: 200 });
  });
});

describe('RunLock.release', () => {
  it('does not remove a lock that another run has taken over since', async () => {
    const first = await acquireRunLock(stateDir, LIST, as(100, 'box', [100]));
    // The first run is (wrongly) judged dead and the second takes over.
    const second = await acquireRunLock(stateDir, LIST, as(200, 'box', [200]));
    await first.release();
    expect(JSON.parse(await readFile(second.path, 'utf8'))).toMatchObject({ pid: 200 });
    await second.release();
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('does nothing when the lock is already gone', async () => {
    const lock = await acquireRunLock(stateDir, LIST, as(100, 'box', [100]));
    await rm(lock.path);
    await expect(lock.release()).resolves.toBeUndefined();
  });
});

describe('a state directory that cannot be made', () => {
  it('fails with one sentence (exit 2) instead of hanging', async () => {
    const error = await acquireRunLock('/proc/klaviyo-export-test/state', 'Y6nRLr', as(100, 'box', [100])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/Cannot create the state directory \/proc\/klaviyo-export-test\/state/);
  }, 5_000);

  describe('a pid reused by another process', () => {
    const started = (starts: Record<number, string>) => (pid: number) => starts[pid];

    it('takes over a lock whose pid is alive but started at another time (the owner is gone)', async () => {
      const first = await acquireRunLock(stateDir, LIST, { ...as(100, 'box', [100]), processStartOf: started({ 100: '5000' }) });
      expect(JSON.parse(await readFile(first.path, 'utf8'))).toMatchObject({ pid: 100, processStart: '5000' });
      // The machine rebooted or the pid wrapped: pid 100 is now another program, started later.
      const next = await acquireRunLock(stateDir, LIST, {
        ...as(200, 'box', [100, 200]),
        processStartOf: started({ 100: '9999', 200: '7' }),
      });
      expect(next.tookOverFrom).toMatchObject({ pid: 100 });
    });

    it('still refuses while the owner itself runs (same pid, same start time)', async () => {
      await acquireRunLock(stateDir, LIST, { ...as(100, 'box', [100]), processStartOf: started({ 100: '5000' }) });
      await expectLocked(acquireRunLock(stateDir, LIST, { ...as(200, 'box', [100, 200]), processStartOf: started({ 100: '5000' }) }));
    });

    it('judges by pid alone when the OS does not tell start times', async () => {
      await acquireRunLock(stateDir, LIST, { ...as(100, 'box', [100]), processStartOf: started({ 100: '5000' }) });
      await expectLocked(acquireRunLock(stateDir, LIST, as(200, 'box', [100, 200])));
    });

    it('reads the start time from /proc, even when the command name holds spaces and parentheses', () => {
      expect(parseProcessStart('42 (a) b (c)) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615')).toBe(
        '123456',
      );
      expect(parseProcessStart('garbage')).toBeUndefined();
      if (process.platform === 'linux') expect(readProcessStart(process.pid)).toMatch(/^\d+$/);
      expect(readProcessStart(2 ** 30)).toBeUndefined();
    });
  });
});
