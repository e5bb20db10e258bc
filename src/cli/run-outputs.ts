import { writeFileSync } from 'node:fs';
import { RejectsFile } from '../export/rejects/rejects-file.js';
import { InputFileError, renderSummaryText, type RunSummary } from '../index.js';
import type { CliContext } from './cli-context.js';
import { ConsoleOutput } from './console-output.js';

export function consoleOutputOf(context: CliContext, options: { json?: boolean; quiet?: boolean }): ConsoleOutput {
  return new ConsoleOutput(context.stdout, context.stderr, { json: Boolean(options.json), quiet: Boolean(options.quiet) });
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
export function openRejectsFile(path: string | undefined, inputPath?: string): RejectsFile | undefined {
  return path === undefined ? undefined : new RejectsFile(path, inputPath);
}
