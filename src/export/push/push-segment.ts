import { InterruptedError } from '../../errors.js';
import { connectKlaviyo, resolveConnection } from '../../klaviyo/connection.js';
import type { RunOutcome, RunSummary } from '../../report/run-summary.js';
import { checkLocalFiles } from './local-files.js';
import { resolvePushPlan, type PushPlan } from '../plan/push-plan.js';
import { segmentGateOf } from '../plan/segment-plan.js';
import type { PushPorts, PushRequest } from '../plan/push-request.js';
import type { ScanOutcomes } from '../rejects/row-ledger.js';
import type { ScanResult } from '../scan/scan-segment.js';
import { isPushConfirmed } from './confirm-push.js';
import { deliverScan } from './deliver-scan.js';
import { finishRun } from './finish-run.js';
import { closePushRun, openPushRun, type PushRun, type PushSession } from './push-run.js';
import { createPushStops, stopError } from './push-stops.js';
import { readSegment, type SegmentRead } from './read-segment.js';
import { runConsentPhase } from './subscription-step.js';
import { NOTHING_SENT_REASON, planSync, reconcileSync } from './sync-steps.js';

/**
 * Pushes a segment file into a Klaviyo list: preflight, one pass over the file, the strict /
 * nothing-to-send / declined gates, checkpoint, delivery and follow-up, the sync state's removals,
 * the consent step. Returns the run's summary whatever the outcome (a stop included, once the file
 * was read); throws a typed ExportError when the run cannot start or the file cannot be used
 * (nothing sent then). Take the run lock (acquireRunLock) around it when several processes may
 * push to the same list and state directory.
 */
export async function pushSegment(request: PushRequest, ports: PushPorts = {}): Promise<RunSummary> {
  const connection = resolveConnection(request.connection);
  const plan = resolvePushPlan(request);
  const session = startSession(plan, request, ports, connection);
  try {
    // Before any request: a missing file or an unwritable rejects path is the user's to fix, with nothing sent.
    await checkLocalFiles(plan);
    const run = await openPushRun(session);
    try {
      return await runPhases(run, ports);
    } catch (error) {
      // A run that fails after sending still leaves what it knows in the rejects file; its own
      // error, not one met while writing that, is what the caller must see.
      await run.ledger.writeRejects({ ...plan.source, signal: session.stops.hard }).catch(() => undefined);
      throw error;
    } finally {
      await closePushRun(run);
    }
  } catch (error) {
    if (session.stops.soft.aborted && !(error instanceof InterruptedError)) throw stopError(session.stops.soft);
    throw error;
  } finally {
    session.stops.dispose();
  }
}

/** The phases, in order: each reads what the ones before it left. */
async function runPhases(run: PushRun, untimedPorts: PushPorts): Promise<RunSummary> {
  const { ports, promptMs } = timePrompt(untimedPorts);
  const read = await readSegment(run);
  const removals = run.sync === undefined ? 0 : planSync(run.sync, read.scan.skippedProfiles, run.emit);
  const gate = gateOf(run.plan, read.scan, run.ledger.scanOutcomes());
  if (gate !== undefined) return endUnsent(run, read, gate, 0);
  if (!(await isPushConfirmed(run, read, removals, ports))) return endUnsent(run, read, 'declined', promptMs());
  const sent = await deliverScan(run, read.scan);
  const synced = await reconcileSync(run, sent.outcome, removals);
  // Consent comes after the import, and only when the import got somewhere and the run was not stopped.
  const hasImported = sent.delivery.sent + sent.delivery.resumedBatches > 0;
  // --changed-only with every profile unchanged: nothing to import, and the consent step still runs.
  const isNothingToImport = read.scan.validProfiles > 0 && read.scan.skippedProfiles === read.scan.validProfiles;
  const subscription = await runConsentPhase(run, read, !run.stops.soft.aborted && (hasImported || isNothingToImport));
  return finishRun(run, read, {
    ...sent,
    outcome: synced.outcome,
    subscription,
    noRemovalReason: synced.noRemovalReason,
    promptMs: promptMs(),
  });
}

/** The confirmation, timed: the elapsed time leaves out how long a person took to answer. */
function timePrompt(ports: PushPorts): { ports: PushPorts; promptMs: () => number } {
  const confirm = ports.confirm;
  if (!confirm) return { ports, promptMs: () => 0 };
  let elapsedMs = 0;
  const timed: PushPorts['confirm'] = async (question, signal) => {
    const askedAt = Date.now();
    try {
      return await confirm(question, signal);
    } finally {
      elapsedMs += Date.now() - askedAt;
    }
  };
  return { ports: { ...ports, confirm: timed }, promptMs: () => elapsedMs };
}

/** A run that ends before anything is sent: nobody subscribed, nothing removed. */
async function endUnsent(run: PushRun, read: SegmentRead, outcome: RunOutcome, promptMs: number): Promise<RunSummary> {
  const subscription = await runConsentPhase(run, read, false);
  return finishRun(run, read, { outcome, subscription, noRemovalReason: NOTHING_SENT_REASON, promptMs });
}

/** The rules that end a run before anything is sent. */
export function gateOf(
  plan: Pick<PushPlan, 'isStrict' | 'gates' | 'sync'>,
  scan: Pick<ScanResult, 'rowsRead' | 'validProfiles'>,
  left: Pick<ScanOutcomes, 'rejected'>,
) {
  const gate = segmentGateOf(plan, { rowsRead: scan.rowsRead, rejected: left.rejected });
  // --allow-empty with --mirror: an emptied segment empties the list, as far as --max-removals lets it.
  if (gate === 'empty' && plan.sync?.mirror !== undefined) return undefined;
  if (gate !== undefined) return gate;
  if (scan.rowsRead > 0 && scan.validProfiles === 0) return 'nothing-to-send' as const;
  return undefined;
}

function startSession(
  plan: PushPlan,
  request: PushRequest,
  ports: PushPorts,
  connection: ReturnType<typeof resolveConnection>,
): PushSession {
  const emit = ports.onEvent ?? (() => undefined);
  const stops = createPushStops(request.signal, request.hardSignal, plan.timeoutMs);
  stops.soft.addEventListener(
    'abort',
    () => emit({ type: 'stopping', reason: stops.soft.reason instanceof Error ? stops.soft.reason.message : 'Stopped.' }),
    { once: true },
  );
  const client = connectKlaviyo(connection, {
    signal: stops.hard,
    // The client's events as they are: the caller decides which waits and requests to show.
    onEvent: (event) => emit(event),
  });
  return { plan, client, stops, emit, startedAt: new Date() };
}
