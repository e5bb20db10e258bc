import { writeFileSync } from 'node:fs';
import { InputFileError } from '../errors.js';

/** `--report <file.json>`: the run's summary as JSON; a path that cannot be written is an input error. */
export function writeReportFile(path: string, summary: object): void {
  try {
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
  } catch (error) {
    throw new InputFileError(path, {}, `cannot write the report (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
  }
}
