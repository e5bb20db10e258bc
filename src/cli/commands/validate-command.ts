import { ExitCode, type ExitCodeValue } from '../../errors.js';
import { scanSegment } from '../../export/scan-segment.js';
import { summarizeRun } from '../../export/summarize-run.js';
import type { CliContext } from '../cli-context.js';
import { ConsoleOutput } from '../console-output.js';
import { openRejectsFile, writeRunOutputs } from '../run-outputs.js';
import { batchLimitsOf, mappingRequestOf, sourceOptionsOf, type SegmentCommandOptions } from '../segment-options.js';

export interface ValidateCommandOptions extends SegmentCommandOptions {
  list?: string;
}

/** Placeholder list id for the size of request bodies when no list is given (Klaviyo ids are 6 characters). */
const PLAN_LIST_ID = 'XXXXXX';

/** `validate` and `push --dry-run`: read, map, validate and plan; nothing touches the network. */
export async function runValidate(
  context: CliContext,
  file: string,
  options: ValidateCommandOptions,
  command: 'validate' | 'push' = 'validate',
): Promise<ExitCodeValue> {
  const startedAt = new Date();
  const output = new ConsoleOutput(context.stdout, context.stderr, { json: Boolean(options.json), quiet: Boolean(options.quiet) });
  const rejects = openRejectsFile(options.rejects, file);
  const scan = await scanSegment({
    source: sourceOptionsOf(file, options, context.stdin),
    mapping: mappingRequestOf(options),
    limits: batchLimitsOf(options),
    listId: options.list ?? PLAN_LIST_ID,
    signal: context.signal,
    onMappingResolved: (_mapping, columns, format) =>
      rejects?.setColumns(columns, { mayGrow: format !== 'csv', hasElement: format === 'json' }),
    onRejected: (row) => rejects?.add(row),
    onNotice: (message) => output.info(message),
  });
  const isStrictFailure = Boolean(options.strict) && scan.rejected > 0;
  const summary = summarizeRun(scan, {
    command,
    dryRun: command === 'push',
    listId: options.list,
    listName: undefined,
    maxPerExport: options.maxPerExport,
    maxPerRequest: options.batchSize,
    startedAt,
    totalMs: Date.now() - startedAt.getTime(),
    sendMs: 0,
    outcome: isStrictFailure ? 'rejected-strict' : 'validated',
    delivery: undefined,
  });
  writeRunOutputs(summary, { output, reportPath: options.report, rejects });
  return isStrictFailure ? ExitCode.usage : ExitCode.success;
}
