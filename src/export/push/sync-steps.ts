import type { KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import type { RunOutcome } from '../../report/run-summary.js';
import type { PushEvent } from '../events/push-events.js';
import { estimateListReadMs } from '../sync/sync-plan.js';
import { NO_STATE_SENTENCE, type SyncSession } from '../sync/sync-session.js';
import type { PushRun } from './push-run.js';

/** The steps --mirror and --changed-only add to a push (see SyncSession for their order). */

/** --mirror-source list: the list's members, read before the file so that the file can be compared with them. */
export async function readListMembers(sync: SyncSession, client: KlaviyoClient, listId: string, emit: (event: PushEvent) => void) {
  const count = await client.countListMembers(listId);
  emit({ type: 'list-read', listId, members: count, estimateMs: estimateListReadMs(count ?? 0) });
  const members = await sync.readListMembers(client, (read) => emit({ type: 'list-read-progress', members: read }));
  emit({ type: 'list-read-done', members, withoutEmail: sync.counts.membersKept });
}

/** The plan and its guard, before anything is sent: a refused plan throws RemovalGuardError (exit 2). */
export function planSync(sync: SyncSession, skipped: number, emit: (event: PushEvent) => void): number {
  const plan = sync.planRemovals();
  const { added, updated, unchanged, resent } = sync.counts;
  const { planned: removals, knownMembers } = plan;
  emit({ type: 'sync-plan', added, updated, unchanged: unchanged + resent, skipped, removals, knownMembers });
  if (plan.noRemovalReason === 'no-state') emit({ type: 'mirror-no-state', message: NO_STATE_SENTENCE });
  sync.checkGuard(plan);
  return plan.planned;
}

/** Why a run that sent nothing removed nothing. */
export const NOTHING_SENT_REASON = 'nothing was sent, so nothing was removed.';

/**
 * After delivery: a fully delivered file becomes the new sync state, and --mirror's removals run;
 * otherwise nothing is removed, and the summary says why.
 */
export async function reconcileSync(
  run: PushRun,
  delivered: RunOutcome,
  removals: number,
): Promise<{ outcome: RunOutcome; noRemovalReason: string | null }> {
  const { sync, emit } = run;
  if (sync === undefined) return { outcome: delivered, noRemovalReason: null };
  if (delivered !== 'delivered') {
    const noRemovalReason = notDeliveredReason(delivered);
    if (sync.options.mirror !== undefined) emit({ type: 'mirror-skipped', reason: noRemovalReason });
    return { outcome: delivered, noRemovalReason };
  }
  sync.commitDelivered();
  if (removals === 0) return { outcome: delivered, noRemovalReason: null };
  return { outcome: await removeLeftMembers(run, delivered), noRemovalReason: null };
}

async function removeLeftMembers(run: PushRun, outcome: RunOutcome): Promise<RunOutcome> {
  const { sync, client, list, stops, emit } = run;
  if (sync === undefined) return outcome;
  emit({ type: 'remove', listId: list.id, profiles: sync.counts.removalsPlanned });
  const removal = await sync.removePlannedMembers(client, {
    signal: stops.soft,
    onProgress: (done, total) => emit({ type: 'removed', done, total }),
  });
  const { removed, failed, notAttempted, firstFailure } = removal;
  emit({ type: 'remove-done', removed, failed, notAttempted, firstFailure });
  const stop = stops.stopReason();
  if (stop === 'deadline') return 'deadline';
  if (stop === 'signal') return 'interrupted';
  return outcome;
}

function notDeliveredReason(outcome: RunOutcome): string {
  if (outcome === 'submitted') return 'the import jobs were not followed to their end (--no-wait), so nothing was removed.';
  if (outcome === 'interrupted' || outcome === 'deadline')
    return 'the run stopped before every profile was confirmed, so nothing was removed.';
  return 'not every valid profile was delivered, so nothing was removed.';
}

/** How the file compares with the last confirmed run, for the confirmation. */
export function changesOf(sync: SyncSession, skipped: number) {
  const { added, updated, unchanged, resent } = sync.counts;
  return { added, updated, unchanged: unchanged + resent, skipped };
}
