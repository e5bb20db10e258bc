import type { SegmentInput } from '../../source/source-record.js';
import { validateSegment, type ExitCodeValue, type ValidateRequest } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { exitCodeOf } from '../outcome-exit-code.js';
import { describeRejectsWritten } from '../../report/rejects-written.js';
import { checkReportPath, consoleOutputOf, writeRunOutputs } from '../run-outputs.js';
import { segmentRequestOf, type SegmentCommandOptions } from '../segment-options.js';

export interface ValidateCommandOptions extends SegmentCommandOptions {
  list?: string;
}

/** `validate` and `push --dry-run`: read, map, validate and plan; nothing touches the network. */
export async function runValidate(
  context: CliContext,
  file: SegmentInput,
  options: ValidateCommandOptions,
  command: 'validate' | 'push' = 'validate',
  sync?: ValidateRequest['sync'],
): Promise<ExitCodeValue> {
  const output = consoleOutputOf(context, options);
  checkReportPath(context, options.report, file);
  const summary = await validateSegment(
    { ...segmentRequestOf(context, file, options), listId: options.list, asPushDryRun: command === 'push', sync },
    { onEvent: (event) => output.info(event.type === 'notice' ? event.message : describeRejectsWritten(event)) },
  );
  writeRunOutputs(summary, { output, reportPath: options.report });
  return exitCodeOf(summary.outcome);
}
