import type { KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import { MAX_PROFILES_PER_REMOVAL } from '../../klaviyo/list-membership.js';
import { MAX_EMAILS_PER_FILTER } from '../../klaviyo/email-filter.js';
import { scrub } from '../../privacy/scrub.js';

/**
 * `--mirror`'s removals: resolve the emails that left the file to profile ids (100 a lookup), then
 * remove those profiles from the list (1,000 a request). Both requests are paced and retried by the
 * client; what still fails is an outcome per candidate, never an exception that hides the others.
 *
 * Crash and resume: the caller records the candidates as "pending removal" in the sync state
 * before calling this, and drops the ones reported removed afterwards. A run killed in between
 * leaves them pending: the next run, comparing them with its own file, removes again only those
 * still absent from it (removing a non-member is a no-op), and sends again those that came back.
 */

/** One member to remove: by email (state source: its id is looked up) or by id (list source). */
export type RemovalCandidate =
  { readonly email: string; readonly profileId?: undefined } | { readonly profileId: string; readonly email?: string };

export const RemovalStatus = { notAttempted: 0, removed: 1, failed: 2 } as const;
export type RemovalStatusValue = (typeof RemovalStatus)[keyof typeof RemovalStatus];

export interface RemovalOutcome {
  /** Removed from the list, or never in Klaviyo at all (no profile has the email). */
  readonly removed: number;
  /** Of `removed`: emails with no profile in the account, so nothing to remove. */
  readonly notFound: number;
  readonly failed: number;
  /** Left because the run was stopped before their turn. */
  readonly notAttempted: number;
  /** Status per candidate, in the order given. */
  readonly statuses: Uint8Array;
  /** The first failure's message (email addresses replaced by `<email>`). */
  readonly firstFailure: string | undefined;
}

export interface RemoveFromListOptions {
  readonly client: Pick<KlaviyoClient, 'findProfileIdsByEmail' | 'removeProfilesFromList'>;
  readonly listId: string;
  readonly candidates: readonly RemovalCandidate[];
  /** Requests in flight at once; the client's rate limiters pace them. */
  readonly concurrency?: number;
  /** Stops starting new requests; those in flight finish. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

const DEFAULT_CONCURRENCY = 4;

export async function removeFromList(options: RemoveFromListOptions): Promise<RemovalOutcome> {
  const { client, listId, candidates, signal } = options;
  const statuses = new Uint8Array(candidates.length);
  const running = new Set<Promise<void>>();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  let firstFailure: string | undefined;
  let notFound = 0;
  let settled = 0;

  const settle = (indexes: readonly number[], status: RemovalStatusValue, error?: unknown) => {
    if (indexes.length === 0) return;
    for (const index of indexes) statuses[index] = status;
    if (error !== undefined) firstFailure ??= scrub(error instanceof Error ? error.message : 'an unexpected failure');
    settled += indexes.length;
    options.onProgress?.(settled, candidates.length);
  };

  /** Starts a task once fewer than `concurrency` run; pulling keeps the queue bounded. */
  const start = async (task: () => Promise<void>) => {
    while (running.size >= concurrency) await Promise.race(running);
    const promise = task().finally(() => running.delete(promise));
    running.add(promise);
  };

  /** Ids waiting for a full removal request, with the candidates they stand for. */
  let pendingIds: string[] = [];
  let pendingIndexes: number[] = [];
  const flushRemovals = async (isLast: boolean) => {
    while (pendingIds.length >= MAX_PROFILES_PER_REMOVAL || (isLast && pendingIds.length > 0)) {
      if (signal?.aborted) return;
      const ids = pendingIds.slice(0, MAX_PROFILES_PER_REMOVAL);
      const indexes = pendingIndexes.slice(0, MAX_PROFILES_PER_REMOVAL);
      pendingIds = pendingIds.slice(MAX_PROFILES_PER_REMOVAL);
      pendingIndexes = pendingIndexes.slice(MAX_PROFILES_PER_REMOVAL);
      await start(() =>
        client.removeProfilesFromList(listId, ids).then(
          () => settle(indexes, RemovalStatus.removed),
          (error: unknown) => settle(indexes, RemovalStatus.failed, error),
        ),
      );
    }
  };

  const lookUp = async (emails: string[], indexes: number[]) => {
    let found: { email: string; profileId: string }[];
    try {
      found = await client.findProfileIdsByEmail(emails);
    } catch (error) {
      settle(indexes, RemovalStatus.failed, error);
      return;
    }
    // An email identifies one profile in a Klaviyo account.
    const idByEmail = new Map<string, string>();
    for (const { email, profileId } of found) if (!idByEmail.has(email)) idByEmail.set(email, profileId);
    const absent: number[] = [];
    emails.forEach((email, position) => {
      const index = indexes[position]!;
      const id = idByEmail.get(email.toLowerCase());
      if (id === undefined) {
        absent.push(index);
        return;
      }
      pendingIds.push(id);
      pendingIndexes.push(index);
    });
    notFound += absent.length;
    settle(absent, RemovalStatus.removed);
  };

  let lookupEmails: string[] = [];
  let lookupIndexes: number[] = [];
  for (let index = 0; index < candidates.length; index += 1) {
    if (signal?.aborted) break;
    const candidate = candidates[index]!;
    if (candidate.profileId !== undefined) {
      pendingIds.push(candidate.profileId);
      pendingIndexes.push(index);
    } else {
      lookupEmails.push(candidate.email);
      lookupIndexes.push(index);
      if (lookupEmails.length === MAX_EMAILS_PER_FILTER) {
        const [emails, indexes] = [lookupEmails, lookupIndexes];
        [lookupEmails, lookupIndexes] = [[], []];
        await start(() => lookUp(emails, indexes));
      }
    }
    await flushRemovals(false);
  }
  if (lookupEmails.length > 0 && !signal?.aborted) await start(() => lookUp(lookupEmails, lookupIndexes));
  // Lookups still running add ids: wait for them, then send what is left.
  while (running.size > 0) {
    await Promise.race(running);
    await flushRemovals(false);
  }
  await flushRemovals(true);
  await Promise.all(running);

  let removed = 0;
  let failed = 0;
  for (const status of statuses) {
    if (status === RemovalStatus.removed) removed += 1;
    else if (status === RemovalStatus.failed) failed += 1;
  }
  return { removed, notFound, failed, notAttempted: candidates.length - removed - failed, statuses, firstFailure };
}
