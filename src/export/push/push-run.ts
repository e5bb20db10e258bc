import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import { ensureStateDir } from '../../state/atomic-file.js';
import { stagingDirectory } from '../../state/state-file-name.js';
import { BatchStager } from '../batches/batch-stager.js';
import type { PushEvent } from '../events/push-events.js';
import type { PushPlan } from '../plan/push-plan.js';
import { openRowLedger, type RowLedger } from '../rejects/row-ledger.js';
import { SyncSession } from '../sync/sync-session.js';
import { runPreflight } from './preflight.js';
import type { PushStops } from './push-stops.js';

/** What every phase of a push shares from its start: the plan, the client, the stops, the events. */
export interface PushSession {
  readonly plan: PushPlan;
  readonly client: KlaviyoClient;
  readonly stops: PushStops;
  readonly emit: (event: PushEvent) => void;
  readonly startedAt: Date;
}

/** A push once the list is known: its sync state, its staged request bodies, its row ledger. */
export interface PushRun extends PushSession {
  readonly list: KlaviyoList;
  readonly sync: SyncSession | undefined;
  readonly stager: BatchStager;
  readonly ledger: RowLedger;
}

/**
 * The state directory, the preflight, then what the run keeps while it lasts. Throws with nothing
 * sent: a state directory that cannot be made, a wrong key or list, a damaged sync state.
 */
export async function openPushRun(session: PushSession): Promise<PushRun> {
  const { plan, client, emit } = session;
  await ensureStateDir(plan.stateDir);
  emit({ type: 'preflight', listId: plan.listId });
  const list = await runPreflight(client, plan.listId);
  emit({ type: 'preflight-ok', listId: list.id, listName: list.name });
  // Before the file is read: a damaged sync state stops the run with nothing sent.
  const sync = await openSync(plan, list.id);
  const stager = await BatchStager.create(stagingDirectory(plan.stateDir, list.id)).catch((error: unknown) => {
    sync?.discard();
    throw error;
  });
  try {
    const ledger = openRowLedger({
      rejectsPath: plan.rejectsPath,
      rejectsOutput: plan.rejectsOutput,
      input: plan.source.input,
      hasLaterStages: true,
    });
    return { ...session, list, sync, stager, ledger };
  } catch (error) {
    sync?.discard();
    await stager.dispose();
    throw error;
  }
}

/** However the run ended: the rejects file closed, an uncommitted sync state left as it was, the staged bodies removed. */
export async function closePushRun(run: PushRun): Promise<void> {
  run.ledger.closeRejects();
  run.sync?.discard();
  await run.stager.dispose();
}

/** --mirror / --changed-only keep a sync state per list: read it before the file, so that a damaged one stops the run first. */
async function openSync(plan: Pick<PushPlan, 'sync' | 'stateDir'>, listId: string): Promise<SyncSession | undefined> {
  if (plan.sync === undefined) return undefined;
  return SyncSession.open({ stateDir: plan.stateDir, listId, ...plan.sync });
}
