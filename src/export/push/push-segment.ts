import { InterruptedError } from '../../errors.js';
import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import type { DeliverySummary, RunOutcome, RunSummary } from '../../report/run-summary.js';
import { ensureStateDir } from '../../state/atomic-file.js';
import { stagingDirectory } from '../../state/state-file-name.js';
import { BatchStager } from '../batches/batch-stager.js';
import { LateRejects } from '../rejects/late-rejects.js';
import { connectKlaviyo, resolveConnection } from '../../klaviyo/connection.js';
import { runPreflight } from './preflight.js';
import { deliverScan } from './deliver-scan.js';
import type { PushEvent } from '../events/push-events.js';
import type { PushConfirmation, PushPorts, PushRequest } from './push-request.js';
import { createPushStops, stopError, type PushStops } from './push-stops.js';
import { scanSegment, type ScanResult } from '../scan/scan-segment.js';
import {
  batchLimitsOf,
  batchSizeOf,
  mappingRequestOf,
  maxPerExportOf,
  openRejectsFile,
  setRejectsColumns,
  sourceOf,
} from '../plan/segment-request.js';
import { summarizeMapping } from '../summary/summarize-mapping.js';
import { summarizeRun } from '../summary/summarize-run.js';
import { ConsentCandidates } from '../consent/consent-candidates.js';
import { confirmationEmailsAhead, consentRequestOf, runSubscriptionStep } from './subscription-step.js';
import { checkConsentRequest } from '../../mapping/consent-mapping.js';
import type { SubscriptionSummary } from '../../report/run-summary.js';
import { isSubscriptionComplete } from '../consent/summarize-subscription.js';
import { changesOf, notDeliveredReason, openSync, planSync, readListMembers, removeMembers } from './sync-steps.js';

/**
 * Pushes a segment file into a Klaviyo list: preflight, one pass over the file, the strict /
 * nothing-to-send / declined gates, checkpoint, delivery and follow-up. Returns the run's summary
 * whatever the outcome (a stop included, once the file was read); throws a typed ExportError when
 * the run cannot start or the file cannot be used (nothing sent then). Take the run lock
 * (acquireRunLock) around it when several processes may push to the same list and state directory.
 */
export async function pushSegment(request: PushRequest, ports: PushPorts = {}): Promise<RunSummary> {
  const emit = ports.onEvent ?? (() => undefined);
  const connection = resolveConnection(request.connection);
  batchLimitsOf(request);
  // Before anything is read or sent: --subscribe without a consent column is a usage error.
  if (request.subscribe) {
    checkConsentRequest(consentRequestOf(request.subscribe), request.map ?? [], { mayMapPhoneByName: request.defaultMap !== false });
  }
  const stops = createPushStops(request.signal, request.hardSignal, request.timeoutMs);
  stops.soft.addEventListener(
    'abort',
    () => emit({ type: 'stopping', reason: stops.soft.reason instanceof Error ? stops.soft.reason.message : 'Stopped.' }),
    { once: true },
  );
  const client = connectKlaviyo(connection, {
    signal: stops.hard,
    onEvent: (event) => {
      if (event.type === 'throttled') emit({ type: 'throttled', operation: event.operation, retryAfterMs: event.retryAfterMs });
      if (event.type === 'retry') emit({ type: 'retry', operation: event.operation, attempt: event.attempt, reason: event.reason });
    },
  });
  try {
    return await runPush(request, ports, { client, stops, emit });
  } catch (error) {
    if (stops.soft.aborted && !(error instanceof InterruptedError)) throw stopError(stops.soft);
    throw error;
  } finally {
    stops.dispose();
  }
}

interface PushRun {
  readonly client: KlaviyoClient;
  readonly stops: PushStops;
  readonly emit: (event: PushEvent) => void;
}

async function runPush(request: PushRequest, ports: PushPorts, { client, stops, emit }: PushRun): Promise<RunSummary> {
  const startedAt = new Date();
  // Before any request: a state directory that cannot be made is a usage error with nothing sent.
  await ensureStateDir(request.stateDir);
  emit({ type: 'preflight', listId: request.listId });
  const list = await runPreflight(client, request.listId);
  emit({ type: 'preflight-ok', listId: list.id, listName: list.name });

  // Before reading the file: a damaged sync state stops the run with nothing sent.
  const sync = await openSync(request, list.id);
  const stager = await BatchStager.create(stagingDirectory(request.stateDir, list.id)).catch((error: unknown) => {
    sync?.discard();
    throw error;
  });
  const rejects = openRejectsFile(request);
  const isStdin = request.file === '-';
  // Rows that delivery does not deliver get their original columns from the file once it ends.
  const lateRejects = rejects && !isStdin ? new LateRejects() : undefined;
  let emailColumn: string | undefined;
  try {
    if (sync?.options.mirror === 'list') await readListMembers(sync, client, list.id, emit);
    emit({ type: 'read', file: isStdin ? '<stdin>' : request.file, isStdin });
    const subscribe = request.subscribe;
    const candidates = new ConsentCandidates();
    const scan = await scanSegment({
      ...(subscribe ? { consent: consentRequestOf(subscribe), onConsenting: (candidate) => candidates.push(candidate) } : {}),
      source: sourceOf(request),
      mapping: mappingRequestOf(request),
      limits: batchLimitsOf(request),
      listId: list.id,
      signal: stops.soft,
      onMappingResolved: (_mapping, columns, format) => setRejectsColumns(rejects, columns, format),
      onRejected: (row) => rejects?.add(row),
      onNotice: (message) => emit({ type: 'notice', message }),
      onBatch: (batch) => stager.stage(batch),
      onProgress: (rows) => emit({ type: 'read-progress', rows }),
      selectProfile: sync === undefined ? undefined : (email, attributesJson) => sync.select(email, attributesJson),
    });
    emit({
      type: 'read-done',
      rows: scan.rowsRead,
      valid: scan.validProfiles,
      rejected: scan.rejected,
      duplicates: scan.duplicates.count,
      batches: scan.batches,
    });
    emit({ type: 'mapping', mapping: summarizeMapping(scan) });

    const confirmationEmails = confirmationEmailsAhead(list, candidates);
    if (confirmationEmails > 0) emit({ type: 'double-opt-in', listId: list.id, listName: list.name, confirmationEmails });
    const consentStep = async (shouldRun: boolean): Promise<SubscriptionSummary | undefined> => {
      if (!subscribe || !scan.consent) return undefined;
      const isRunning = shouldRun && candidates.size > 0;
      if (isRunning) emit({ type: 'subscribe', consenting: candidates.size });
      const step = await runSubscriptionStep({
        client,
        list,
        request: subscribe,
        scan: scan.consent,
        candidates,
        shouldRun,
        signal: stops.soft,
        onRefused: (refused) => {
          const row = { line: refused.line, reason: refused.reason, detail: refused.detail };
          // As delivery's refused rows: with their original columns, read again from the file at the end.
          if (lateRejects) lateRejects.add({ ...row, element: refused.element, email: refused.email });
          else rejects?.add({ ...row, index: refused.element, fields: { [scan.mapping.emailColumn]: refused.email } });
        },
        onProgress: (done) => emit({ type: 'subscribe-progress', done, total: candidates.size }),
      });
      const summary = step.summary;
      if (isRunning) {
        emit({
          type: 'subscribe-done',
          subscribed: summary.subscribed.email + summary.subscribed.sms,
          keptOptedOut: summary.keptOptedOutCount,
          refused: summary.refused,
          notSubscribed: summary.notSubscribed.count,
          isComplete: isSubscriptionComplete(summary),
        });
      }
      return summary;
    };

    emailColumn = scan.mapping.emailColumn;
    const removals = sync === undefined ? 0 : planSync(sync, scan.skippedProfiles, emit);
    let noRemovalReason: string | null = null;
    const finish = async (
      outcome: RunOutcome,
      delivery?: DeliverySummary,
      sendMs = 0,
      subscription?: SubscriptionSummary,
    ): Promise<RunSummary> => {
      if (rejects && lateRejects)
        await lateRejects.writeTo(rejects, { ...sourceOf(request), signal: stops.hard }, scan.mapping.emailColumn);
      const summary = summarizeRun(scan, {
        command: 'push',
        dryRun: false,
        listId: list.id,
        listName: list.name,
        maxPerExport: maxPerExportOf(request),
        maxPerRequest: batchSizeOf(request),
        startedAt,
        totalMs: Date.now() - startedAt.getTime(),
        sendMs,
        outcome,
        delivery,
        subscription,
        sync: sync?.summarize(noRemovalReason),
      });
      rejects?.close();
      if (rejects && rejects.rows > 0) emit({ type: 'rejects-written', path: rejects.path, rows: rejects.rows });
      return summary;
    };

    const gate = gateOf(request, scan);
    noRemovalReason = 'nothing was sent, so nothing was removed.';
    if (gate !== undefined) return await finish(gate, undefined, 0, await consentStep(false));
    const changes = sync === undefined ? undefined : changesOf(sync, scan.skippedProfiles);
    if (!(await isConfirmed(ports, client, list, scan, { removals, changes, confirmationEmails }, stops.soft))) {
      return await finish('declined', undefined, 0, await consentStep(false));
    }
    const sent = await deliverScan({ request, client, list, scan, stager, rejects, lateRejects, stops, emit });
    noRemovalReason = null;
    let outcome = sent.outcome;
    if (sync !== undefined) {
      if (outcome === 'delivered') {
        sync.commitDelivered();
        if (removals > 0) outcome = await removeMembers(sync, client, list.id, stops, emit, outcome);
      } else {
        noRemovalReason = notDeliveredReason(outcome);
        if (sync.options.mirror !== undefined) emit({ type: 'mirror-skipped', reason: noRemovalReason });
      }
    }
    // Consent comes after the import, and only when the import got somewhere and the run was not stopped.
    const subscription = await consentStep(!stops.soft.aborted && sent.delivery.sent + sent.delivery.resumedBatches > 0);
    return await finish(outcome, sent.delivery, sent.sendMs, subscription);
  } catch (error) {
    // A run that fails after sending still leaves what it knows in the rejects file; its own error,
    // not one met while writing that, is what the caller must see.
    if (rejects && lateRejects && emailColumn !== undefined && !lateRejects.isWritten) {
      await lateRejects.writeTo(rejects, { ...sourceOf(request), signal: stops.hard }, emailColumn).catch(() => undefined);
    }
    throw error;
  } finally {
    rejects?.close();
    // A run that did not commit its new sync state leaves the old one as it was.
    sync?.discard();
    await stager.dispose();
  }
}

/** The rules that end a run before anything is sent. */
export function gateOf(request: Pick<PushRequest, 'strict'>, scan: Pick<ScanResult, 'rejected' | 'rowsRead' | 'validProfiles'>) {
  if (request.strict && scan.rejected > 0) return 'rejected-strict' as const;
  if (scan.rowsRead > 0 && scan.validProfiles === 0) return 'nothing-to-send' as const;
  return undefined;
}

/** Writing to the wrong list is the costly mistake: the caller may show what will happen and ask. */
async function isConfirmed(
  ports: PushPorts,
  client: KlaviyoClient,
  list: KlaviyoList,
  scan: ScanResult,
  sync: Pick<PushConfirmation, 'removals' | 'changes' | 'confirmationEmails'>,
  signal: AbortSignal,
) {
  const profiles = scan.validProfiles - scan.skippedProfiles;
  if (!ports.confirm || (profiles === 0 && sync.removals === 0)) return true;
  const accountName = await client.getAccount().then(
    (account) => account.name,
    () => undefined,
  );
  const question = {
    listId: list.id,
    listName: list.name,
    accountName,
    profiles,
    removals: sync.removals,
    confirmationEmails: sync.confirmationEmails,
  };
  return ports.confirm(sync.changes === undefined ? question : { ...question, changes: sync.changes }, signal);
}
