import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/** How a saved export's last `run` ended, for `klaviyo-export exports`. No personal data, no key. */
export interface LastRun {
  readonly export: string;
  readonly outcome: string;
  readonly exitCode: number;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** `<stateDir>/export-<name>.last-run.json`: one file per export, so concurrent runs never share one. */
export function lastRunPath(stateDir: string, exportName: string): string {
  const safe = /^[A-Za-z0-9_.-]{1,64}$/.test(exportName)
    ? exportName
    : `${exportName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}-${createHash('sha256').update(exportName).digest('hex').slice(0, 8)}`;
  return join(stateDir, `export-${safe}.last-run.json`);
}

export async function writeLastRun(stateDir: string, run: LastRun): Promise<void> {
  await writeFileAtomic(lastRunPath(stateDir, run.export), `${JSON.stringify(run, null, 2)}\n`);
}

/** undefined when the export never ran here, or its record is unreadable (it is only informative). */
export async function readLastRun(stateDir: string, exportName: string): Promise<LastRun | undefined> {
  try {
    const value = JSON.parse(await readFile(lastRunPath(stateDir, exportName), 'utf8')) as Partial<LastRun>;
    if (typeof value.outcome !== 'string' || typeof value.exitCode !== 'number' || typeof value.finishedAt !== 'string') return undefined;
    return value as LastRun;
  } catch {
    return undefined;
  }
}
