import { dirname } from 'node:path';
import type { ExportConfig, ExportEntry, ExportOptionSpec } from '../../config/export-config.js';
import { Secret } from '../../config/secret.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { parsePushArgv, pushArgvOf } from '../export-options.js';
import { acknowledgeCommand, PRIVACY_STATEMENT } from '../privacy-statement.js';
import type { ExportRequest } from './run-export.js';
import type { RunCommandOptions } from './run-options.js';

/**
 * The selected exports as push requests, every one checked before any runs: each connection's
 * privacy acknowledgment and key, and each entry's options parsed as `push` parses its own.
 */
export function prepareExportRequests(
  context: CliContext,
  config: ExportConfig,
  specs: readonly ExportOptionSpec[],
  selected: readonly ExportEntry[],
  options: RunCommandOptions,
): ExportRequest[] {
  const unacknowledged = [...new Set(selected.map((entry) => entry.connection))].filter(
    (name) => config.connections.get(name)?.privacyAcknowledged === undefined,
  );
  if (unacknowledged.length > 0) {
    throw new UsageError(
      `Nothing was sent: the privacy statement is not acknowledged for ${unacknowledged.map((name) => `connection "${name}"`).join(', ')}.\n${PRIVACY_STATEMENT}\nTo agree, run: ${unacknowledged.map((name) => acknowledgeCommand(name, options.config)).join('; ')}`,
    );
  }
  const runFlags = [
    '--yes',
    `--log-format=${options.logFormat}`,
    ...(options.json ? ['--json'] : []),
    ...(options.quiet ? ['--quiet'] : []),
    ...(options.verbose ? ['--verbose'] : []),
  ];
  return selected.map((entry) => {
    const connection = config.connections.get(entry.connection)!;
    const key = context.env.variable(connection.apiKeyEnv);
    if (key === undefined) {
      throw new UsageError(
        `Nothing was sent: ${connection.apiKeyEnv} (the apiKeyEnv of connection "${connection.name}") is not set; set it to the Klaviyo private API key.`,
      );
    }
    const argv = [...pushArgvOf(entry.file, entry.options, specs), ...runFlags];
    const { file, options: pushOptions } = parsePushArgv(argv, `exports.${entry.name}`);
    return {
      name: entry.name,
      file,
      options: {
        ...pushOptions,
        baseUrl: connection.baseUrl,
        baseUrlOrigin: connection.baseUrl === undefined ? undefined : `the baseUrl of connection "${connection.name}" in ${config.path}`,
      },
      apiKey: new Secret(key),
      directory: dirname(config.path),
    };
  });
}
