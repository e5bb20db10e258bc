import { segmentInputName } from '../../source/segment-parts.js';
import type { SegmentInput } from '../../source/source-record.js';
import { randomInt } from 'node:crypto';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors.js';
import { verifySegment } from '../../index.js';
import { describeVerifyPlan, renderVerifyText } from '../../report/render-verify-text.js';
import type { VerifySummary } from '../../report/verify-summary.js';
import { publishCiSummary } from '../ci-summary.js';
import type { CliContext } from '../cli-context.js';
import { clientLogOf, connectClient, connectionFromOptions, type ConnectionOptions } from '../connection-options.js';
import { clientEventsOf } from '../client-event-log.js';
import { writeReportFile } from '../report-file.js';
import { checkReportPath, consoleOutputOf, isStdoutReserved, openRejectsFile } from '../run-outputs.js';
import { segmentPlanOf, type SegmentCommandOptions } from '../segment-options.js';

export interface VerifyCommandOptions extends SegmentCommandOptions, ConnectionOptions {
  list: string;
  sample?: number;
  all?: boolean;
  seed?: number;
  attributes?: boolean;
  missing?: string;
}

/** The default `--sample`: enough to notice a few missing percent, in 10 requests. */
export const DEFAULT_SAMPLE_SIZE = 1_000;

const EXIT_CODES: Record<VerifySummary['outcome'], ExitCodeValue> = {
  'all-present': ExitCode.success,
  'some-missing': ExitCode.notDelivered,
  'nothing-to-check': ExitCode.notDelivered,
  'rejected-strict': ExitCode.usage,
};

/** `verify`: reads the list back for the file's rows; writes nothing to Klaviyo. */
export async function runVerify(context: CliContext, file: SegmentInput, options: VerifyCommandOptions): Promise<ExitCodeValue> {
  if (options.all && options.sample !== undefined) throw new UsageError('Use either --all or --sample <n>, not both.');
  const output = consoleOutputOf(context, options);
  const requests = clientLogOf(context, options);
  const client = connectClient(connectionFromOptions(context, options), { signal: context.signal, onEvent: clientEventsOf(requests) });
  checkReportPath(context, options.report, file);
  const rejects = openRejectsFile(context, options.rejects, file);
  const missing = openRejectsFile(context, options.missing, file);
  try {
    const { source, mapping, limits } = segmentPlanOf(context, file, options);
    const summary = await verifySegment(
      {
        source,
        mapping,
        limits,
        listId: options.list,
        sampleSize: options.all ? undefined : (options.sample ?? DEFAULT_SAMPLE_SIZE),
        seed: options.seed ?? randomInt(1, 2 ** 32),
        checkAttributes: Boolean(options.attributes),
        strict: Boolean(options.strict),
        signal: context.signal,
      },
      {
        client,
        now: Date.now,
        events: {
          onListFound: (list) =>
            output.info(`List "${list.name}" (${list.id}) found; reading ${file === '-' ? 'standard input' : segmentInputName(file)}...`),
          onMappingResolved: (_mapping, columns, format, locate) => {
            for (const target of [rejects, missing])
              target?.setColumns(columns, { mayGrow: format !== 'csv', hasElement: format === 'json', locate });
          },
          onRejected: (row) => rejects?.add(row),
          onPlanned: (plan) => output.info(describeVerifyPlan(plan)),
          onMissing: (row) => missing?.add(row),
        },
      },
    );
    rejects?.close();
    missing?.close();
    if (options.report !== undefined) writeReportFile(options.report, summary);
    output.result(renderVerifyText(summary));
    output.json(summary);
    if (missing && missing.rows > 0) output.info(`${missing.rows.toLocaleString('en-US')} missing rows written to ${missing.path}`);
    publishCiSummary(context, summary, { isStdoutReserved: isStdoutReserved(options) });
    return EXIT_CODES[summary.outcome];
  } finally {
    requests.close();
    rejects?.close();
    missing?.close();
  }
}
