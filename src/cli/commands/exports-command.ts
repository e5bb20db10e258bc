import { ExitCode, type ExitCodeValue } from '../../errors.js';
import { readLastRun } from '../../state/last-run-file.js';
import type { CliContext } from '../cli-context.js';
import { configStateDir, loadConfig, type ConfigFileOptions } from '../config-file.js';

export interface ExportsCommandOptions extends ConfigFileOptions {
  json?: boolean;
}

/** `exports`: the saved exports with their connection, list, file, and how and when each last ran. */
export async function runExports(context: CliContext, options: ExportsCommandOptions): Promise<ExitCodeValue> {
  const { config } = await loadConfig(context, options);
  const stateDir = configStateDir(context, config.path);
  const rows = await Promise.all(
    [...config.exports.values()].map(async (entry) => {
      const lastRun = await readLastRun(stateDir, entry.name);
      return {
        name: entry.name,
        connection: entry.connection,
        list: entry.list,
        file: entry.fileAsWritten,
        lastRun: lastRun === undefined ? null : { outcome: lastRun.outcome, exitCode: lastRun.exitCode, finishedAt: lastRun.finishedAt },
      };
    }),
  );
  if (options.json) {
    const byName = Object.fromEntries(rows.map(({ name, ...row }) => [name, row]));
    context.stdout.write(`${JSON.stringify({ exports: byName }, null, 2)}\n`);
    return ExitCode.success;
  }
  if (rows.length === 0) {
    context.stderr.write(`${config.path} has no export yet (add one with \`klaviyo-export init\`).\n`);
    return ExitCode.success;
  }
  const table = [
    ['EXPORT', 'CONNECTION', 'LIST', 'FILE', 'LAST RUN'],
    ...rows.map((row) => [
      row.name,
      row.connection,
      row.list,
      row.file,
      row.lastRun === null ? 'never' : `${row.lastRun.outcome} (exit ${row.lastRun.exitCode}) ${row.lastRun.finishedAt}`,
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  const lines = table.map((cells) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  context.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.success;
}
