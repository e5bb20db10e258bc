import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExportConfig, ExportOptionSpec } from '../config/export-config.js';
import { locateConfig, readConfig } from '../config/read-config.js';
import type { CliContext } from './cli-context.js';
import { DEFAULT_STATE_DIR } from './push/push-options.js';
import { exportOptionSpecs } from './export-options.js';

export interface ConfigFileOptions {
  config?: string;
}

export function addConfigOption(command: Command): Command {
  return command.option('--config <file>', 'the config file (default: KLAVIYO_EXPORT_CONFIG or ./klaviyo-export.json)');
}

export function configPathOf(context: CliContext, options: ConfigFileOptions): string {
  return locateConfig(context.cwd, options.config, context.env.configPath);
}

export async function loadConfig(
  context: CliContext,
  options: ConfigFileOptions,
): Promise<{ config: ExportConfig; specs: ExportOptionSpec[] }> {
  const specs = exportOptionSpecs();
  return { config: await readConfig(configPathOf(context, options), specs), specs };
}

/** Saved exports keep their state beside the config file, so that cron may run them from anywhere. */
export function configStateDir(context: CliContext, configPath: string): string {
  return resolve(dirname(configPath), context.env.stateDir ?? DEFAULT_STATE_DIR);
}
