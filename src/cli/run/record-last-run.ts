import { writeLastRun } from '../../state/last-run-file.js';
import type { TextSink } from '../cli-context.js';
import { OUTCOME_OF_EXIT_CODE } from './exit-code-severity.js';
import type { ExportResult } from './run-export.js';

/** Records how an export last ran, for `exports`; a record that cannot be written is a warning, never the end of the other exports' runs. */
export async function recordLastRun(stateDir: string, result: ExportResult, stderr: TextSink): Promise<void> {
  await writeLastRun(stateDir, {
    export: result.name,
    outcome: OUTCOME_OF_EXIT_CODE[result.exitCode],
    exitCode: result.exitCode,
    startedAt: result.startedAt.toISOString(),
    finishedAt: result.finishedAt.toISOString(),
  }).catch((error: unknown) =>
    stderr.write(`warning: ${result.name}: its last run was not recorded (${error instanceof Error ? error.message : String(error)}).\n`),
  );
}
