import { ExitCode, type ExitCodeValue, type RunSummary } from '../../index.js';
import { publishCiSummary } from '../ci-summary.js';
import type { CliContext } from '../cli-context.js';
import { exitCodeOf, isCompleteOutcome } from '../outcome-exit-code.js';
import { doneFields } from '../push-event-log.js';
import type { RunLog } from '../run-log.js';
import type { ConsoleOutput } from '../console-output.js';
import { isStdoutReserved, writeRunOutputs } from '../run-outputs.js';
import { isSubscriptionComplete } from '../subscribe-options.js';
import { describeUnattendedRejects } from '../unattended-rejects.js';
import type { PushCommandOptions } from './push-options.js';

/** How a push that returned its summary ends: the report, the summary, the warnings, CI, and the exit code. */
export function renderPushOutcome(
  context: CliContext,
  summary: RunSummary,
  outputs: { log: RunLog; output: ConsoleOutput },
  options: PushCommandOptions,
): ExitCodeValue {
  const { log, output } = outputs;
  log.endLive();
  writeRunOutputs(summary, { output, reportPath: options.report });
  const isComplete = isCompleteOutcome(summary.outcome) && !hasFailedRemovals(summary) && isSubscriptionComplete(summary.subscription);
  log.record('done', doneFields(summary), isComplete ? 'info' : 'warn');
  const unattended = context.isStdinTerminal && context.isStderrTerminal ? undefined : describeUnattendedRejects(summary, options.rejects);
  if (unattended) log.notice('rejected-rows', unattended, { rejected: summary.rows.rejected });
  publishCiSummary(context, summary, { isStdoutReserved: isStdoutReserved(options) });
  const exitCode = exitCodeWithConsent(summary, log);
  // A removal that failed after its retries: the list is not yet what was asked.
  return exitCode === ExitCode.success && hasFailedRemovals(summary) ? ExitCode.notDelivered : exitCode;
}

/**
 * A key without subscriptions:write is met at the first subscribe request, after the import: the
 * summary reports both, and the run ends as a permission error (exit 3). Consenting rows refused or
 * not subscribed make a successful import exit 1.
 */
function exitCodeWithConsent(summary: RunSummary, log: RunLog): ExitCodeValue {
  const code = exitCodeOf(summary.outcome);
  const subscription = summary.subscription;
  if (subscription?.stoppedBy) {
    log.event('error', subscription.stoppedBy, { exitCode: ExitCode.auth }, 'error');
    return ExitCode.auth;
  }
  return code === ExitCode.success && !isSubscriptionComplete(subscription) ? ExitCode.notDelivered : code;
}

function hasFailedRemovals(summary: RunSummary): boolean {
  return summary.sync !== null && summary.sync.removals.failed > 0;
}
