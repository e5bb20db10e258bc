import type { ConfigFileOptions } from '../config-file.js';
import type { LogFormat } from '../run-log.js';

/** `run`'s own options; each export's push options come from its saved entry. */
export interface RunCommandOptions extends ConfigFileOptions {
  all?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  logFormat: LogFormat;
}
