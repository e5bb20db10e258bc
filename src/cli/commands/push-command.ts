import { ExitCode, InterruptedError, type ExitCodeValue } from '../../errors.js';
import { BatchStager } from '../../export/batch-stager.js';
import { deliverBatches } from '../../export/deliver-batches.js';
import { JobWatcher } from '../../export/job-watcher.js';
import { ReasonTally } from '../../export/reason-tally.js';
import { scanSegment, type ScanResult } from '../../export/scan-segment.js';
import { summarizeDelivery, summarizeRun } from '../../export/summarize-run.js';
import { runPreflight } from '../../export/preflight.js';
import { attributesToFields } from '../../export/attributes-to-fields.js';
import { abortableSleep } from '../../klaviyo/abortable-sleep.js';
import { createProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import type { KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import { addLine, emptyLineList, type DeliverySummary, type RunOutcome } from '../../report/run-summary.js';
import { formatCount, plural } from '../../report/render-summary-text.js';
import type { CliContext } from '../cli-context.js';
import { publishCiSummary } from '../ci-summary.js';
import { confirmOnTerminal } from '../confirm-prompt.js';
import { connectClient, foreignBaseUrlNotice, resolveConnection, type ConnectionOptions } from '../connection-options.js';
import { ConsoleOutput } from '../console-output.js';
import { openRejectsFile, writeRunOutputs } from '../run-outputs.js';
import { RunLog, type LogFormat } from '../run-log.js';
import { batchLimitsOf, mappingRequestOf, sourceOptionsOf, type SegmentCommandOptions } from '../segment-options.js';
import { runValidate } from './validate-command.js';
import { createStopSignals } from '../stop-signals.js';
import { DeliveryProgress } from '../delivery-progress.js';
import { acquireRunLock } from '../../state/run-lock.js';
import { stagingDirectory } from '../../state/state-file-name.js';
import { resolve } from 'node:path';
import { fingerprintOf, openCheckpoint } from './push-checkpoint.js';
import { describeWork, doneFields, outcomeOf, remainingWork } from './push-outcome.js';

export interface PushCommandOptions extends SegmentCommandOptions, ConnectionOptions {
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
}

/** Relative to the working directory, so that each project's cron job has its own. */
export const DEFAULT_STATE_DIR = '.klaviyo-export';
/** Upload requests in flight at once; the client's rate limiter (10/s) paces them. */
const UPLOAD_CONCURRENCY = 4;
/** A cancelled job applied nothing; its batch is sent again up to this many times. */
const MAX_RESUBMITS = 3;

export async function runPush(context: CliContext, file: string, options: PushCommandOptions): Promise<ExitCodeValue> {
  if (options.dryRun) return runValidate(context, file, options, 'push');
  const startedAt = new Date();
  const connection = resolveConnection(context, options);
  const output = new ConsoleOutput(context.stdout, context.stderr, { json: Boolean(options.json), quiet: Boolean(options.quiet) });
  const log = new RunLog({
    stderr: context.stderr,
    format: options.logFormat,
    isTerminal: context.isStderrTerminal,
    noColor: context.env.noColor,
    quiet: Boolean(options.quiet),
  });
  const foreignBaseUrl = foreignBaseUrlNotice(connection);
  if (foreignBaseUrl) log.notice('base-url', foreignBaseUrl, { baseUrl: connection.baseUrl, source: connection.baseUrlSource });
  const stops = createStopSignals(context, options.timeout);
  stops.soft.addEventListener(
    'abort',
    () => {
      const reason = stops.soft.reason instanceof Error ? stops.soft.reason.message : 'Stopped.';
      log.event('stopping', `${reason} Finishing the requests in flight, then reporting.`, {}, 'warn');
    },
    { once: true },
  );
  const client = connectClient(connection, {
    signal: stops.hard,
    onEvent: (event) => {
      if (event.type === 'throttled')
        log.event(
          'throttled',
          `Klaviyo asked to slow down (${event.operation}); waiting ${Math.ceil(event.retryAfterMs / 1000)} s.`,
          { operation: event.operation, retryAfterMs: event.retryAfterMs },
          'debug',
        );
      if (event.type === 'retry')
        log.event(
          'retry',
          `Retrying ${event.operation} (attempt ${event.attempt + 1}) after ${event.reason}.`,
          { operation: event.operation, attempt: event.attempt, reason: event.reason },
          'debug',
        );
    },
  });

  const stateDir = resolve(context.cwd, options.stateDir ?? context.env.stateDir ?? DEFAULT_STATE_DIR);
  const lock = await acquireRunLock(stateDir, options.list).catch((error: unknown) => {
    stops.dispose();
    throw error;
  });
  if (lock.tookOverFrom) {
    const owner = lock.tookOverFrom;
    log.event(
      'lock-takeover',
      `An earlier push to list ${options.list} (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}) ended without finishing; taking over its lock.`,
      { pid: owner.pid, host: owner.host },
      'warn',
    );
  } else if (lock.replacedUnreadableLock) {
    log.event('lock-takeover', `Replaced a damaged lock file (${lock.path}).`, { lock: lock.path }, 'warn');
  }

  try {
    log.event('preflight', `Checking list ${options.list}...`, { listId: options.list });
    const list = await runPreflight(client, options.list);
    log.event('preflight-ok', `List "${list.name}" (${list.id}) found.`, { listId: list.id });

    const envelope = createProfileImportEnvelope(list.id);
    const stager = await BatchStager.create(stagingDirectory(stateDir, list.id));
    const rejects = openRejectsFile(options.rejects, file);
    try {
      log.event('read', `Reading ${file === '-' ? 'standard input' : file}...`, { file: file === '-' ? '<stdin>' : file });
      const scan = await scanSegment({
        source: sourceOptionsOf(file, options, context.stdin),
        mapping: mappingRequestOf(options),
        limits: batchLimitsOf(options),
        listId: list.id,
        signal: stops.soft,
        onMappingResolved: (_mapping, columns, format) =>
          rejects?.setColumns(columns, { mayGrow: format !== 'csv', hasElement: format === 'json' }),
        onRejected: (row) => rejects?.add(row),
        onNotice: (message) => log.event('notice', message),
        onBatch: (batch) => stager.stage(batch),
        onProgress: (rows) => log.live(`reading: ${formatCount(rows)} rows`),
      });
      log.endLive();
      log.event(
        'read-done',
        `Read ${plural(scan.rowsRead, 'row')}: ${formatCount(scan.validProfiles)} valid, ${formatCount(scan.rejected)} rejected, ${plural(scan.duplicates.count, 'duplicate')}.`,
        {
          rows: scan.rowsRead,
          valid: scan.validProfiles,
          rejected: scan.rejected,
          duplicates: scan.duplicates.count,
          batches: scan.batches,
        },
      );

      const finish = (outcome: RunOutcome, delivery: DeliverySummary | undefined, sendMs: number) => {
        const summary = summarizeRun(scan, {
          command: 'push',
          dryRun: false,
          listId: list.id,
          listName: list.name,
          maxPerExport: options.maxPerExport,
          maxPerRequest: options.batchSize,
          startedAt,
          totalMs: Date.now() - startedAt.getTime(),
          sendMs,
          outcome,
          delivery,
        });
        writeRunOutputs(summary, {
          output,
          reportPath: options.report,
          rejects,
          notify: (message) => log.event('rejects-written', message, { rows: rejects?.rows ?? 0 }),
        });
        log.record('done', doneFields(summary), outcome === 'delivered' || outcome === 'submitted' ? 'info' : 'warn');
        publishCiSummary(context, summary, { isJsonOutput: Boolean(options.json) });
      };

      if (options.strict && scan.rejected > 0) {
        finish('rejected-strict', undefined, 0);
        return ExitCode.usage;
      }
      if (scan.rowsRead > 0 && scan.validProfiles === 0) {
        finish('nothing-to-send', undefined, 0);
        return ExitCode.notDelivered;
      }
      if (!(await confirmPush(context, options, client, list, scan, stops.soft))) {
        finish('declined', undefined, 0);
        return ExitCode.notDelivered;
      }

      const journal = await openCheckpoint(stateDir, fingerprintOf(scan, list.id, options), options, log);
      const sendStartedAt = Date.now();
      const refused = new ReasonTally();
      const notDelivered = emptyLineList();
      const unconfirmed = emptyLineList();
      const progress = new DeliveryProgress(log, scan.validProfiles, () => Date.now());
      const watcher = new JobWatcher({
        client,
        sleep: abortableSleep,
        now: Date.now,
        signal: stops.soft,
        jobTimeoutMs: options.jobTimeout,
        onUnknownStatus: (job) =>
          log.event(
            'job',
            `Job ${job.id} has a status Klaviyo does not document ("${job.status}"); still following it.`,
            { jobId: job.id, status: job.status },
            'warn',
          ),
        onPolled: (job) =>
          log.event(
            'job',
            `Job ${job.id}: ${job.status}.`,
            { jobId: job.id, status: job.status, completed: job.completedCount, failed: job.failedCount },
            'debug',
          ),
      });
      const work = remainingWork(stager.batches, journal);
      log.event('send', describeWork(work, list.id), {
        profiles: work.profilesToSend,
        requests: work.requestsToSend,
        jobsToFollow: work.jobsToFollow,
        listId: list.id,
      });
      const result = await deliverBatches({
        client,
        batches: stager.batches,
        readBody: (batch) => stager.readBody(batch),
        envelope,
        watcher,
        journal,
        wait: options.wait,
        concurrency: UPLOAD_CONCURRENCY,
        maxResubmits: MAX_RESUBMITS,
        signal: stops.soft,
        events: {
          onUndelivered: (profile) => {
            if (profile.kind === 'refused') refused.add(profile.reason, profile.description, profile.line, profile.element);
            else addLine(notDelivered, profile.line, profile.element);
            const fields = attributesToFields(profile.attributes, scan.mapping);
            rejects?.add({ line: profile.line, index: profile.element, reason: profile.reason, detail: profile.detail, fields });
          },
          onAccepted: (batch, job) => {
            progress.accepted(batch.profiles);
            log.event(
              'accepted',
              `Request ${batch.index + 1}/${scan.batches} accepted as job ${job.id}.`,
              { batch: batch.index, jobId: job.id, profiles: batch.profiles },
              'debug',
            );
          },
          onFinished: (_batch, job) => progress.confirmed(job.completedCount),
          onUnconfirmed: (line, jobId, element) => {
            addLine(unconfirmed, line, element);
            // Its values are in the file at that line: parsing every request body back would cost more than it tells.
            rejects?.add({
              line,
              index: element,
              reason: 'unconfirmed',
              detail: `Sent in Klaviyo import job ${jobId}, which was not followed to its end; run the same command again to follow it up.`,
              fields: {},
            });
          },
        },
      });
      log.endLive();
      const delivery = summarizeDelivery(result, {
        refusedByKlaviyo: refused.toList(),
        notDelivered,
        unconfirmed,
        requests: client.stats(),
      });
      const outcome = outcomeOf(scan, result, stops.stopReason(), options.wait);
      // Keep the checkpoint while running the command again can still deliver or confirm something
      // (after --no-wait, the next run follows the jobs up instead of sending them again).
      if (!stops.soft.aborted && result.notDelivered === 0 && result.unconfirmed === 0) await journal.remove();
      finish(outcome, delivery, Date.now() - sendStartedAt);
      if (stops.soft.aborted) return stops.exitCode();
      return outcome === 'delivered' || outcome === 'submitted' ? ExitCode.success : ExitCode.notDelivered;
    } finally {
      rejects?.close();
      await stager.dispose();
    }
  } catch (error) {
    if (stops.soft.aborted && !(error instanceof InterruptedError) && stops.soft.reason instanceof InterruptedError)
      throw stops.soft.reason;
    throw error;
  } finally {
    stops.dispose();
    await lock.release();
  }
}

/** Writing to the wrong list is the costly mistake: on a terminal, say what will happen and ask. */
async function confirmPush(
  context: CliContext,
  options: PushCommandOptions,
  client: KlaviyoClient,
  list: { id: string; name: string },
  scan: ScanResult,
  signal: AbortSignal,
): Promise<boolean> {
  if (options.yes || !context.isStdinTerminal || !context.isStderrTerminal || scan.validProfiles === 0) return true;
  const account = await client.getAccount().then(
    (a) => `account "${a.name}", `,
    () => '',
  );
  return confirmOnTerminal(
    `About to add ${formatCount(scan.validProfiles)} profiles to ${account}list "${list.name}" (${list.id}). Continue?`,
    context.stdin,
    context.stderr,
    signal,
  );
}
