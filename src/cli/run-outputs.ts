import { inputPaths } from '../source/segment-parts.js';
import type { SegmentInput } from '../source/source-record.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkLaterOutputPath } from '../export/rejects/output-path.js';
import { RejectsFile, type RowsOutput } from '../export/rejects/rejects-file.js';
import { UsageError } from '../errors.js';
import { InputFileError, renderSummaryText, type RunSummary } from '../index.js';
import type { CliContext } from './cli-context.js';
import { ConsoleOutput } from './console-output.js';

/** `--rejects -` (or verify's `--missing -`): that CSV goes to standard output, and nothing else does. */
export const STDOUT_PATH = '-';

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  rejects?: string;
  missing?: string;
}

/** With --json or a CSV on stdout, stdout carries that alone: the summary, annotations and the rest go to stderr. */
export function isStdoutReserved(options: OutputOptions): boolean {
  return Boolean(options.json) || options.rejects === STDOUT_PATH || options.missing === STDOUT_PATH;
}

export function consoleOutputOf(context: CliContext, options: OutputOptions): ConsoleOutput {
  const toStdout = [
    options.json ? '--json' : undefined,
    ...(['rejects', 'missing'] as const).map((key) => (options[key] === STDOUT_PATH ? `--${key} -` : undefined)),
  ].filter((claim) => claim !== undefined);
  if (toStdout.length > 1) throw new UsageError(`${toStdout.join(' and ')} both write to standard output: send one of them to a file.`);
  return new ConsoleOutput(context.stdout, context.stderr, {
    json: Boolean(options.json),
    quiet: Boolean(options.quiet),
    isStdoutReserved: isStdoutReserved(options),
  });
}

/** The rows file a command writes: a path, or standard output for `-`. */
export function rowsTargetOf(context: CliContext, path: string): string | RowsOutput {
  return path === STDOUT_PATH ? stdoutRows(context) : resolve(context.cwd, path);
}

export function stdoutRows(context: CliContext): RowsOutput {
  return { name: 'standard output', write: (text) => context.stdout.write(text) };
}

/** Before any network request: the --report path can be written, its folder created. */
export function checkReportPath(context: CliContext, reportPath: string | undefined, file: SegmentInput): void {
  if (reportPath !== undefined) {
    const inputs = inputPaths(file).map((path) => (path === '-' ? path : resolve(context.cwd, path)));
    checkLaterOutputPath(resolve(context.cwd, reportPath), 'report', inputs);
  }
}

/** The report file and console output every run ends with, written even when the run was interrupted. */
export function writeRunOutputs(summary: RunSummary, outputs: { output: ConsoleOutput; reportPath: string | undefined }): void {
  if (outputs.reportPath !== undefined) {
    try {
      writeFileSync(outputs.reportPath, `${JSON.stringify(summary, null, 2)}\n`);
    } catch (error) {
      throw new InputFileError(outputs.reportPath, {}, `cannot write the report (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
        cause: error,
      });
    }
  }
  outputs.output.result(renderSummaryText(summary));
  outputs.output.json(summary);
}

/** For commands that keep their own rows file (verify's --rejects and --missing); `inputPath` is never overwritten. */
export function openRejectsFile(context: CliContext, path: string | undefined, inputPath?: SegmentInput): RejectsFile | undefined {
  return path === undefined ? undefined : new RejectsFile(rowsTargetOf(context, path), inputPath);
}
