import { dirname } from 'node:path';
import type { ExportConfig, ExportEntry, ExportOptionSpec } from '../../config/export-config.js';
import { closestName } from '../../config/did-you-mean.js';
import { Secret } from '../../config/secret.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors.js';
import { writeLastRun } from '../../state/last-run-file.js';
import type { CliContext } from '../cli-context.js';
import { configStateDir, loadConfig, type ConfigFileOptions } from '../config-file.js';
import { parsePushArgv, pushArgvOf } from '../export-options.js';
import { acknowledgeCommand, PRIVACY_STATEMENT } from '../privacy-statement.js';
import type { LogFormat } from '../run-log.js';
import { runByAccount } from './run-by-account.js';
import { runExport, type ExportRequest, type ExportResult } from './run-export.js';

export interface RunCommandOptions extends ConfigFileOptions {
  all?: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  logFormat: LogFormat;
}

/**
 * The exit code of several runs is the most severe of theirs, in this order (docs/exit-codes.md):
 * a stop, a bug, a refused key, a broken file or config, a held lock, undelivered rows.
 */
export const EXIT_CODE_SEVERITY: readonly ExitCodeValue[] = [
  ExitCode.interrupted,
  ExitCode.internal,
  ExitCode.auth,
  ExitCode.usage,
  ExitCode.locked,
  ExitCode.notDelivered,
  ExitCode.success,
];

export function mostSevere(codes: readonly ExitCodeValue[]): ExitCodeValue {
  return EXIT_CODE_SEVERITY.find((code) => codes.includes(code)) ?? ExitCode.success;
}

/** What `exports` shows of a last run: the exit code in words. */
export const OUTCOME_OF_EXIT_CODE: Readonly<Record<ExitCodeValue, string>> = {
  0: 'succeeded',
  1: 'not-all-delivered',
  2: 'usage-or-input-error',
  3: 'auth-error',
  4: 'locked',
  70: 'internal-error',
  130: 'interrupted',
};

/**
 * `run <export>...` / `run --all`: each export runs as `push` would. Everything is checked first
 * (the file, every export's options, the privacy acknowledgments, the keys), so a refusal sends
 * nothing at all. Exports through different accounts run side by side; those sharing one (same
 * key, same URL) run one after another, since Klaviyo's rate limits are per account.
 */
export async function runRun(context: CliContext, names: string[], options: RunCommandOptions): Promise<ExitCodeValue> {
  const { config, specs } = await loadConfig(context, options);
  const selected = selectExports(config, names, Boolean(options.all));
  const requests = prepareRequests(context, config, specs, selected, options);
  const stateDir = configStateDir(context, config.path);

  // Same key and same URL: the same Klaviyo account.
  const accountOf = (request: ExportRequest) => `${request.options.baseUrl ?? context.env.baseUrl ?? ''}\n${request.apiKey.reveal()}`;
  const ordered = await runByAccount(
    requests,
    accountOf,
    async (request) => {
      const result = await runExport(context, request);
      // The record only informs `exports`: failing to write it must not end the other exports' runs.
      await writeLastRun(stateDir, {
        export: request.name,
        outcome: OUTCOME_OF_EXIT_CODE[result.exitCode],
        exitCode: result.exitCode,
        startedAt: result.startedAt.toISOString(),
        finishedAt: result.finishedAt.toISOString(),
      }).catch((error: unknown) =>
        context.stderr.write(
          `warning: ${request.name}: its last run was not recorded (${error instanceof Error ? error.message : String(error)}).\n`,
        ),
      );
      return result;
    },
    skipped,
    () => !context.signal.aborted,
  );
  if (options.json) {
    context.stdout.write(`${JSON.stringify(Object.fromEntries(ordered.map((result) => [result.name, result.json])), null, 2)}\n`);
  } else if (!options.quiet && options.logFormat === 'text') {
    for (const result of ordered)
      context.stderr.write(`${result.name}: ${OUTCOME_OF_EXIT_CODE[result.exitCode]} (exit ${result.exitCode})\n`);
  }
  return mostSevere(ordered.map((result) => result.exitCode));
}

function selectExports(config: ExportConfig, names: readonly string[], isAll: boolean): ExportEntry[] {
  const known = [...config.exports.keys()];
  const knownText = known.length === 0 ? 'the file has none' : `known: ${known.join(', ')}`;
  if (isAll && names.length > 0) throw new UsageError('Name exports or pass --all, not both.');
  if (isAll) {
    if (known.length === 0) throw new UsageError(`${config.path} has no export to run.`);
    return [...config.exports.values()];
  }
  if (names.length === 0) throw new UsageError(`Name the exports to run, or pass --all (${knownText}).`);
  const unknown = names.filter((name) => !config.exports.has(name));
  if (unknown.length > 0) {
    const hints = unknown.map((name) => {
      const suggestion = closestName(name, known);
      return `"${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    });
    throw new UsageError(`No export named ${hints.join(', ')} in ${config.path}; ${knownText}.`);
  }
  return [...new Set(names)].map((name) => config.exports.get(name)!);
}

function prepareRequests(
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

function skipped(request: ExportRequest): ExportResult {
  const now = new Date();
  return {
    name: request.name,
    exitCode: ExitCode.interrupted,
    json: { outcome: 'failed', exitCode: ExitCode.interrupted, error: 'Interrupted before this export started.' },
    startedAt: now,
    finishedAt: now,
  };
}
