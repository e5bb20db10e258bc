import { ExitCode, type ExitCodeValue } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { configStateDir, loadConfig } from '../config-file.js';
import { mostSevere, OUTCOME_OF_EXIT_CODE } from '../run/exit-code-severity.js';
import { prepareExportRequests } from '../run/export-requests.js';
import { recordLastRun } from '../run/record-last-run.js';
import { runByAccount } from '../run/run-by-account.js';
import { runExport, type ExportRequest, type ExportResult } from '../run/run-export.js';
import type { RunCommandOptions } from '../run/run-options.js';
import { selectExports } from '../run/select-exports.js';

/**
 * `run <export>...` / `run --all`: each export runs as `push` would. Everything is checked first
 * (the file, every export's options, the privacy acknowledgments, the keys), so a refusal sends
 * nothing at all. Exports through different accounts run side by side; those sharing one (same
 * key, same URL) run one after another, since Klaviyo's rate limits are per account.
 */
export async function runRun(context: CliContext, names: string[], options: RunCommandOptions): Promise<ExitCodeValue> {
  const { config, specs } = await loadConfig(context, options);
  const selected = selectExports(config, names, Boolean(options.all));
  const requests = prepareExportRequests(context, config, specs, selected, options);
  const stateDir = configStateDir(context, config.path);

  // Same key and same URL: the same Klaviyo account.
  const accountOf = (request: ExportRequest) => `${request.options.baseUrl ?? context.env.baseUrl ?? ''}\n${request.apiKey.reveal()}`;
  const runOne = async (request: ExportRequest) => {
    const result = await runExport(context, request);
    await recordLastRun(stateDir, result, context.stderr);
    return result;
  };
  const ordered = await runByAccount(requests, accountOf, runOne, skipped, () => !context.signal.aborted);
  if (options.json) {
    context.stdout.write(`${JSON.stringify(Object.fromEntries(ordered.map((result) => [result.name, result.json])), null, 2)}\n`);
  } else if (!options.quiet && options.logFormat === 'text') {
    for (const result of ordered)
      context.stderr.write(`${result.name}: ${OUTCOME_OF_EXIT_CODE[result.exitCode]} (exit ${result.exitCode})\n`);
  }
  return mostSevere(ordered.map((result) => result.exitCode));
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
