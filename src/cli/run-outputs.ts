import { writeFileSync } from 'node:fs';
import { InputFileError } from '../errors.js';
import { RejectsFile } from '../export/rejects-file.js';
import { renderSummaryText } from '../report/render-summary-text.js';
import type { RunSummary } from '../report/run-summary.js';
import type { ConsoleOutput } from './console-output.js';

/** The files and console output every run ends with, written even when the run was interrupted. */
export function openRejectsFile(path: string | undefined, inputPath: string): RejectsFile | undefined {
  return path === undefined ? undefined : new RejectsFile(path, inputPath);
}

export function writeRunOutputs(
  summary: RunSummary,
  outputs: {
    output: ConsoleOutput;
    reportPath: string | undefined;
    rejects: RejectsFile | undefined;
    /** Where the note about the rejects file goes (the push sends it through its log). */
    notify?: (message: string) => void;
  },
): void {
  outputs.rejects?.close();
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
  if (outputs.rejects && outputs.rejects.rows > 0) {
    const message = `${outputs.rejects.rows.toLocaleString('en-US')} rejected rows written to ${outputs.rejects.path}`;
    if (outputs.notify) outputs.notify(message);
    else outputs.output.info(message);
  }
}
