import { resolve } from 'node:path';
import type { MaxRemovals, MirrorSource } from '../../index.js';
import type { Environment } from '../../config/load-environment.js';
import type { ConnectionOptions } from '../connection-options.js';
import type { LogFormat } from '../run-log.js';
import type { SegmentCommandOptions } from '../segment-options.js';
import type { SubscribeCommandOptions } from '../subscribe-options.js';

/** `push`'s options as commander parses them (a saved export's entry parses into the same). */
export interface PushCommandOptions extends SegmentCommandOptions, ConnectionOptions, SubscribeCommandOptions {
  list: string;
  yes?: boolean;
  dryRun?: boolean;
  wait: boolean;
  stateDir?: string;
  restart?: boolean;
  logFormat: LogFormat;
  timeout?: number;
  /** A job not final after this long is left unconfirmed (kept in the checkpoint). */
  jobTimeout?: number;
  mirror?: boolean;
  mirrorSource?: MirrorSource;
  maxRemovals?: MaxRemovals;
  changedOnly?: boolean;
}

/** Relative to the working directory, so that each project's cron job has its own. */
export const DEFAULT_STATE_DIR = '.klaviyo-export';

/** --state-dir, else KLAVIYO_EXPORT_STATE_DIR, else DEFAULT_STATE_DIR; relative to `cwd`. */
export function stateDirOf(cwd: string, env: Environment, options: PushCommandOptions): string {
  return resolve(cwd, options.stateDir ?? env.stateDir ?? DEFAULT_STATE_DIR);
}

/** --mirror-source alone means --mirror. */
export function mirrorOf(options: PushCommandOptions): MirrorSource | undefined {
  return options.mirrorSource ?? (options.mirror ? 'state' : undefined);
}
