import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** State files may name lists and jobs: only the user may read them. */
export const STATE_DIR_MODE = 0o700;
export const STATE_FILE_MODE = 0o600;

export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: STATE_DIR_MODE });
}

/** Writes `<path>.<tag>.tmp` (tag: the pid) in the same directory, flushes it to disk and returns its path. */
export async function writeTempFile(path: string, content: string, tag = String(process.pid)): Promise<string> {
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

export function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
