import type { SegmentInput } from '../../source/source-record.js';
import { resolve } from 'node:path';
import {
  acquireRunLock,
  ExitCode,
  pushSegment,
  type ExitCodeValue,
  type MaxRemovals,
  type MirrorSource,
  type RunLock,
  type RunSummary,
} from '../../index.js';
import { publishCiSummary } from '../ci-summary.js';
import type { CliContext } from '../cli-context.js';
import { terminalConfirmation } from '../confirm-prompt.js';
import { connectionValues, foreignBaseUrlNotice, connectionFromOptions, type ConnectionOptions } from '../connection-options.js';
import { exitCodeOf, isCompleteOutcome } from '../outcome-exit-code.js';
import { processIdentity } from '../process-identity.js';
import { describeUnattendedRejects } from '../unattended-rejects.js';
import { doneFields, PushEventLog } from '../push-event-log.js';
import { RunLog, type LogFormat } from '../run-log.js';
import { checkReportPath, consoleOutputOf, isStdoutReserved, writeRunOutputs } from '../run-outputs.js';
import { segmentRequestOf, type SegmentCommandOptions } from '../segment-options.js';
import { runValidate } from './validate-command.js';
import { isSubscriptionComplete, subscribeRequestOf, type SubscribeCommandOptions } from '../subscribe-options.js';

export interface PushCommandOptions extends SegmentCommandOptions, ConnectionOptions, SubscribeCommandOptions {
  list: string;
  yes?: boolean;
  dryRun?: boolean;
  wait: boolean;
  stateDir?: string;
  restart?: boolean;
  logFormat: LogFormat;
  timeout?: number;
  /** A job not final after this long is left unconfirmed (kept in the checkpoint). */
  jobTimeout?: number;
  mirror?: boolean;
  mirrorSource?: MirrorSource;
  maxRemovals?: MaxRemovals;
  changedOnly?: boolean;
}

/** Relative to the working directory, so that each project's cron job has its own. */
export const DEFAULT_STATE_DIR = '.klaviyo-export';

/** `push`: one push per list and state directory (the lock), rendered as the user asked. */
export async function runPush(context: CliContext, file: SegmentInput, options: PushCommandOptions): Promise<ExitCodeValue> {
  const stateDir = resolve(context.cwd, options.stateDir ?? context.env.stateDir ?? DEFAULT_STATE_DIR);
  // --mirror-source alone means --mirror.
  const mirror = options.mirrorSource ?? (options.mirror ? 'state' : undefined);
  const sync = { stateDir, mirror, changedOnly: options.changedOnly, maxRemovals: options.maxRemovals };
  if (options.dryRun) return runValidate(context, file, options, 'push', mirror || options.changedOnly ? sync : undefined);
  const subscribe = subscribeRequestOf(options);
  const connection = connectionFromOptions(context, options);
  const output = consoleOutputOf(context, options);
  const quiet = Boolean(options.quiet);
  const log = new RunLog({
    stderr: context.stderr,
    format: options.logFormat,
    isTerminal: context.isStderrTerminal,
    noColor: context.env.noColor,
    quiet,
    verbose: options.verbose,
  });
  const foreignBaseUrl = foreignBaseUrlNotice(connection);
  if (foreignBaseUrl) log.notice('base-url', foreignBaseUrl, { baseUrl: connection.baseUrl, source: connection.baseUrlSource });
  checkReportPath(context, options.report, file);
  const lock = await acquireRunLock(stateDir, options.list, processIdentity());
  logTakeover(log, lock, options.list);
  const events = new PushEventLog(log, { verbose: options.verbose });
  try {
    const summary = await pushSegment(
      {
        ...segmentRequestOf(context, file, options),
        listId: options.list,
        connection: connectionValues(connection),
        stateDir,
        wait: options.wait,
        restart: options.restart,
        timeoutMs: options.timeout,
        jobTimeoutMs: options.jobTimeout,
        hardSignal: context.hardSignal,
        subscribe,
        mirror,
        changedOnly: options.changedOnly,
        maxRemovals: options.maxRemovals,
      },
      { onEvent: (event) => events.render(event), confirm: terminalConfirmation(context, options.yes) },
    );
    log.endLive();
    writeRunOutputs(summary, { output, reportPath: options.report });
    const isComplete = isCompleteOutcome(summary.outcome) && !hasFailedRemovals(summary) && isSubscriptionComplete(summary.subscription);
    log.record('done', doneFields(summary), isComplete ? 'info' : 'warn');
    const unattended =
      context.isStdinTerminal && context.isStderrTerminal ? undefined : describeUnattendedRejects(summary, options.rejects);
    if (unattended) log.notice('rejected-rows', unattended, { rejected: summary.rows.rejected });
    publishCiSummary(context, summary, { isStdoutReserved: isStdoutReserved(options) });
    const exitCode = exitCodeWithConsent(summary, log);
    // A removal that failed after its retries: the list is not yet what was asked.
    return exitCode === ExitCode.success && hasFailedRemovals(summary) ? ExitCode.notDelivered : exitCode;
  } finally {
    events.close();
    await lock.release();
  }
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

function logTakeover(log: RunLog, lock: RunLock, listId: string): void {
  const owner = lock.tookOverFrom;
  if (owner) {
    const message = `An earlier push to list ${listId} (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}) ended without finishing; taking over its lock.`;
    log.event('lock-takeover', message, { pid: owner.pid, host: owner.host }, 'warn');
  } else if (lock.replacedUnreadableLock) {
    log.event('lock-takeover', `Replaced a damaged lock file (${lock.path}).`, { lock: lock.path }, 'warn');
  }
}

function hasFailedRemovals(summary: RunSummary): boolean {
  return summary.sync !== null && summary.sync.removals.failed > 0;
}
