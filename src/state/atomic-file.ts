import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { basename, dirname, join } from 'node:path';

/** State files may name lists and jobs: only the user may read them. */
export const STATE_DIR_MODE = 0o700;
export const STATE_FILE_MODE = 0o600;

/**
 * Creates the state directory and its missing parents, one level at a time: Node's own recursive
 * mkdir never returns on some paths (it spins on /proc/...), and a cron job must fail, not hang.
 * A directory that cannot be made is one sentence, exit 2.
 */
export async function ensureStateDir(stateDir: string): Promise<void> {
  try {
    await makeDirectory(stateDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`Cannot create the state directory ${stateDir} (${code}); choose a writable --state-dir.`, { cause: error });
  }
}

async function makeDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { mode: STATE_DIR_MODE });
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) {
      if ((await stat(directory)).isDirectory()) return;
      throw error;
    }
    const parent = dirname(directory);
    if (!isErrorCode(error, 'ENOENT') || parent === directory) throw error;
    await makeDirectory(parent);
    await mkdir(directory, { mode: STATE_DIR_MODE }).catch((retryError: unknown) => {
      if (!isErrorCode(retryError, 'EEXIST')) throw retryError;
    });
  }
}

/** Writes `<path>.<tag>.tmp` (tag: random by default) in the same directory, flushes it to disk and returns its path. */
export async function writeTempFile(path: string, content: string, tag = randomBytes(4).toString('hex')): Promise<string> {
  const tempPath = `${path}.${tag}.tmp`;
  const handle = await open(tempPath, 'w', STATE_FILE_MODE);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tempPath;
}

/**
 * Replaces `path` with `content` all at once: a reader (or a crash) sees the old file or the new
 * one, never half of either, because rename within one directory is atomic.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await ensureStateDir(dirname(path));
  const tempPath = await writeTempFile(path, content);
  try {
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}

/**
 * Removes the `<path>.<tag>.tmp` files a killed process left half-written beside `path` (a SIGKILL
 * between writeTempFile and rename). Only the lock holder writes `path`, so no live write is touched.
 */
export async function removeLeftoverTempFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return;
    throw error;
  }
  const leftovers = names.filter((name) => name.startsWith(prefix) && /^[0-9a-z-]+\.tmp$/.test(name.slice(prefix.length)));
  await Promise.all(leftovers.map((name) => rm(join(dirname(path), name), { force: true })));
}

export function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
