import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LockedError } from '../errors.js';
import { ensureStateDir, isErrorCode, writeTempFile } from './atomic-file.js';
import { stateFilePath } from './state-file-name.js';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /**
   * The owner process's start time as the OS tells it (Linux: ticks since boot), when it does: a
   * live pid with another start time is a later process that reused the pid, not the owner.
   */
  readonly processStart?: string;
}

export interface RunLock {
  readonly path: string;
  /** The run whose lock was left behind (its process is gone): the CLI warns that it was interrupted. */
  readonly tookOverFrom?: LockOwner;
  /** A lock file that could not be read (empty or damaged) was replaced: the CLI warns. */
  readonly replacedUnreadableLock?: boolean;
  /** Removes the lock, unless another run has taken it over since. */
  release(): Promise<void>;
}

/** Who is asking: the process boundary (src/cli) knows its pid and how to probe another process. */
export interface RunLockOptions {
  pid: number;
  /** false when no process with this pid exists on this host. */
  isProcessAlive: (pid: number) => boolean;
  host?: string;
  /** The start time of a local process, or undefined where the OS does not tell it (default: Linux's /proc). */
  processStartOf?: (pid: number) => string | undefined;
  now?: () => Date;
}

export function runLockPath(stateDir: string, listId: string): string {
  return stateFilePath(stateDir, listId, '.lock');
}

/** Two runs that meet on a stale lock take it over one at a time; the loser finds the winner's lock. */
const MAX_ATTEMPTS = 3;

/**
 * One push at a time per list and state directory. The lock file names its owner; a lock whose
 * owner is gone (same host, dead pid) is taken over, any other existing lock refuses the run.
 */
export async function acquireRunLock(stateDir: string, listId: string, options: RunLockOptions): Promise<RunLock> {
  const { pid } = options;
  const processStartOf = options.processStartOf ?? readProcessStart;
  const processStart = processStartOf(pid);
  const self: LockOwner = {
    pid,
    host: options.host ?? hostname(),
    startedAt: (options.now?.() ?? new Date()).toISOString(),
    ...(processStart === undefined ? {} : { processStart }),
  };
  const isProcessAlive = (owner: LockOwner) => isOwnerAlive(owner, options.isProcessAlive, processStartOf);
  const path = runLockPath(stateDir, listId);
  await ensureStateDir(stateDir);

  for (let attempt = 1; ; attempt += 1) {
    if (await createExclusively(path, self)) return heldLock(path, self, {});
    const existing = await readLockFile(path);
    if (existing.kind === 'missing') continue; // released meanwhile: try again
    if (existing.kind === 'owner') refuseIfMaybeRunning(existing.owner, self, listId, path, isProcessAlive);
    if (attempt >= MAX_ATTEMPTS)
      throw new LockedError(`Cannot take over the lock ${path} of list ${listId}; remove it if no push to this list is running.`);
    if (await takeOver(path, existing, self, isProcessAlive)) {
      return heldLock(path, self, existing.kind === 'owner' ? { tookOverFrom: existing.owner } : { replacedUnreadableLock: true });
    }
  }
}

type LockFileContent = { kind: 'missing' } | { kind: 'unreadable'; text: string } | { kind: 'owner'; owner: LockOwner; text: string };

/**
 * Writes the full lock to a temp file first and links it into place: link fails if the lock
 * exists, and a reader never sees a half-written lock (which it would take for a damaged one).
 */
async function createExclusively(path: string, owner: LockOwner): Promise<boolean> {
  const tempPath = await writeTempFile(path, JSON.stringify(owner), uniqueTag(owner));
  try {
    await link(tempPath, path);
    return true;
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await rm(tempPath, { force: true });
  }
}

/**
 * Replaces the stale lock we read, if it is still the one there. A guard file created exclusively
 * makes takeovers one at a time, so two runs cannot both replace the same stale lock.
 */
async function takeOver(
  path: string,
  stale: Exclude<LockFileContent, { kind: 'missing' }>,
  self: LockOwner,
  isProcessAlive: (owner: LockOwner) => boolean,
): Promise<boolean> {
  const guardPath = `${path}.takeover`;
  if (!(await createExclusively(guardPath, self))) {
    // Another run is taking over right now, or crashed while doing so (a few milliseconds' window).
    const guard = await readLockFile(guardPath);
    if (guard.kind === 'owner' && guard.owner.host === self.host && !isProcessAlive(guard.owner)) await rm(guardPath, { force: true });
    return false;
  }
  try {
    const current = await readLockFile(path);
    if (current.kind === 'missing' || current.text !== stale.text) return false;
    const tempPath = await writeTempFile(path, JSON.stringify(self), uniqueTag(self));
    await rename(tempPath, path);
    return true;
  } finally {
    await rm(guardPath, { force: true });
  }
}

function refuseIfMaybeRunning(
  owner: LockOwner,
  self: LockOwner,
  listId: string,
  path: string,
  isProcessAlive: (owner: LockOwner) => boolean,
): void {
  const since = `pid ${owner.pid} on host ${owner.host} since ${owner.startedAt}`;
  if (owner.host !== self.host) {
    throw new LockedError(
      `Another klaviyo-export push to list ${listId} may be running (${since}); this host cannot tell whether it is, so wait for it to finish, or remove ${path} if it is not running.`,
    );
  }
  // Our own pid in an old lock means a previous process with this pid (e.g. pid 1 in a container) died.
  if (owner.pid !== self.pid && isProcessAlive(owner)) {
    throw new LockedError(
      `Another klaviyo-export push to list ${listId} is running (${since}); wait for it to finish, or remove ${path} if it is not running.`,
    );
  }
}

async function readLockFile(path: string): Promise<LockFileContent> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { kind: 'missing' };
    throw new LockedError(
      `Cannot read the lock ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the permissions of the state directory.`,
    );
  }
  const owner = parseLockOwner(text);
  return owner ? { kind: 'owner', owner, text } : { kind: 'unreadable', text };
}

function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, startedAt, processStart } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    if (typeof host !== 'string' || typeof startedAt !== 'string') return undefined;
    return { pid, host, startedAt, ...(typeof processStart === 'string' ? { processStart } : {}) };
  } catch {
    return undefined;
  }
}

function heldLock(path: string, self: LockOwner, takeover: { tookOverFrom?: LockOwner; replacedUnreadableLock?: boolean }): RunLock {
  return {
    path,
    ...takeover,
    async release() {
      const current = await readLockFile(path);
      if (current.kind !== 'owner') return;
      const { pid, host, startedAt } = current.owner;
      if (pid === self.pid && host === self.host && startedAt === self.startedAt) await rm(path, { force: true });
    },
  };
}

/** The owner is alive when its pid is, and (where both are known) that process started when the owner did. */
function isOwnerAlive(owner: LockOwner, isAlive: (pid: number) => boolean, processStartOf: (pid: number) => string | undefined): boolean {
  if (!isAlive(owner.pid)) return false;
  if (owner.processStart === undefined) return true;
  const current = processStartOf(owner.pid);
  return current === undefined || current === owner.processStart;
}

/**
 * Linux's /proc/<pid>/stat, field 22 (starttime, in clock ticks since boot). The command name
 * (field 2) may hold spaces and parentheses, so fields are counted after its last ')'.
 */
export function readProcessStart(pid: number): string | undefined {
  try {
    return parseProcessStart(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // not Linux, or no such process: judged by pid alone
  }
}

export function parseProcessStart(stat: string): string | undefined {
  const afterName = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(' ');
  const startTime = afterName[19];
  return startTime !== undefined && /^\d+$/.test(startTime) ? startTime : undefined;
}

/** Runs of one process (tests, or a future multi-list push) must not share a temp file. */
function uniqueTag(owner: LockOwner): string {
  return `${owner.pid}-${randomBytes(4).toString('hex')}`;
}
