import { validateConfig } from '../../config/export-config.js';
import { readConfigText, writeConfigJson } from '../../config/read-config.js';
import { ExitCode, type ExitCodeValue } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { configPathOf, type ConfigFileOptions } from '../config-file.js';
import { exportOptionSpecs } from '../export-options.js';
import { acknowledgeCommand, PRIVACY_STATEMENT } from '../privacy-statement.js';

export interface ConnectCommandOptions extends ConfigFileOptions {
  apiKeyEnv?: string;
  baseUrl?: string;
  acknowledgePrivacy?: boolean;
  /** For tests: the acknowledgment's date. */
  now?: () => Date;
}

/**
 * `connect <name>`: adds the connection or updates it in place (the file's other content and key
 * order kept); with --acknowledge-privacy, records today's date as the agreement.
 */
export async function runConnect(context: CliContext, name: string, options: ConnectCommandOptions): Promise<ExitCodeValue> {
  const path = configPathOf(context, options);
  const file = await readConfigText(path);
  const specs = exportOptionSpecs();
  const json = (file?.json ?? { connections: {}, exports: {} }) as Record<string, unknown>;
  // A file with problems is fixed first: writing it back would keep them.
  if (file !== undefined) validateConfig(json, path, specs);
  const connections = (json.connections ?? {}) as Record<string, Record<string, unknown>>;
  const isNew = connections[name] === undefined;
  const connection = { ...(connections[name] ?? {}) };
  if (options.apiKeyEnv !== undefined) connection.apiKeyEnv = options.apiKeyEnv;
  if (options.baseUrl !== undefined) connection.baseUrl = options.baseUrl;
  if (isNew && connection.apiKeyEnv === undefined) connection.apiKeyEnv = 'KLAVIYO_API_KEY';
  const date = (options.now ?? (() => new Date()))().toISOString().slice(0, 10);
  if (options.acknowledgePrivacy) connection.privacyAcknowledged = date;
  const updated = { ...json, connections: { ...connections, [name]: connection } };
  validateConfig(updated, path, specs);
  await writeConfigJson(path, updated, file?.text);
  context.stderr.write(`${PRIVACY_STATEMENT}\n`);
  if (options.acknowledgePrivacy) {
    context.stderr.write(`Connection "${name}": privacy statement acknowledged on ${date}, recorded in ${path}.\n`);
  } else if (connection.privacyAcknowledged === undefined) {
    context.stderr.write(
      `Connection "${name}" saved in ${path}, not acknowledged: \`run\` sends nothing through it until you run: ${acknowledgeCommand(name, options.config)}\n`,
    );
  } else {
    context.stderr.write(
      `Connection "${name}" saved in ${path}; privacy statement acknowledged on ${connection.privacyAcknowledged as string}.\n`,
    );
  }
  return ExitCode.success;
}
