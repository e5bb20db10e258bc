import type { KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import type { RunOutcome } from '../../report/run-summary.js';
import type { PushEvent } from '../events/push-events.js';
import type { PushRequest } from './push-request.js';
import type { PushStops } from './push-stops.js';
import { DEFAULT_MAX_REMOVALS, estimateListReadMs } from '../sync/sync-plan.js';
import { NO_STATE_SENTENCE, SyncSession } from '../sync/sync-session.js';

/** The steps --mirror and --changed-only add to a push (see SyncSession for their order). */

export async function openSync(request: PushRequest, listId: string): Promise<SyncSession | undefined> {
  if (request.mirror === undefined && !request.changedOnly) return undefined;
  return SyncSession.open({
    stateDir: request.stateDir,
    listId,
    mirror: request.mirror,
    changedOnly: Boolean(request.changedOnly),
    maxRemovals: request.maxRemovals ?? DEFAULT_MAX_REMOVALS,
  });
}

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

export async function removeMembers(
  sync: SyncSession,
  client: KlaviyoClient,
  listId: string,
  stops: PushStops,
  emit: (event: PushEvent) => void,
  outcome: RunOutcome,
): Promise<RunOutcome> {
  emit({ type: 'remove', listId, profiles: sync.counts.removalsPlanned });
  const removal = await sync.removeMembers(client, {
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

export function notDeliveredReason(outcome: RunOutcome): string {
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
