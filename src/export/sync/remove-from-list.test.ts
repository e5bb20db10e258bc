import { KlaviyoRequestError } from '../../errors.js';
import { describe, expect, it } from 'vitest';

import { removeFromList, RemovalStatus, type RemovalCandidate } from './remove-from-list.js';

/** An account in memory: profiles by email, the list's members by id; records every request. */
function fakeAccount(emails: string[], options: { failRemovalNumber?: number; failLookupNumber?: number; onRemoval?: () => void } = {}) {
  const idByEmail = new Map(emails.map((email, index) => [email, `P${index}`]));
  const members = new Set(idByEmail.values());
  const lookups: string[][] = [];
  const removals: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const track = async <T>(work: () => T): Promise<T> => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await Promise.resolve();
    try {
      return work();
    } finally {
      inFlight -= 1;
    }
  };
  const client = {
    findProfileIdsByEmail: (asked: readonly string[]) =>
      track(() => {
        lookups.push([...asked]);
        if (lookups.length === options.failLookupNumber) throw failure('GET', '/api/profiles', 'for ana@example.com');
        return asked.flatMap((email) => {
          const profileId = idByEmail.get(email);
          return profileId === undefined ? [] : [{ email, profileId }];
        });
      }),
    removeProfilesFromList: (_listId: string, ids: readonly string[]) =>
      track(() => {
        removals.push([...ids]);
        options.onRemoval?.();
        if (removals.length === options.failRemovalNumber) throw failure('DELETE', '/api/lists/L1/relationships/profiles', '');
        for (const id of ids) members.delete(id);
      }),
  };
  return { client, members, lookups, removals, maxInFlight: () => maxInFlight };
}

function failure(method: string, path: string, detail: string): KlaviyoRequestError {
  return new KlaviyoRequestError({
    message: `Klaviyo failed: ${method} ${path} answered 500 after 7 attempts ${detail}.`,
    method,
    path,
    status: 500,
    attempts: 7,
    errors: [],
  });
}

const emails = (count: number, prefix = 'member') => Array.from({ length: count }, (_, index) => `${prefix}.${index}@example.com`);

describe('removeFromList', () => {
  it('looks emails up 100 at a time and removes the ids found 1,000 a request; an email with no profile is done', async () => {
    const account = fakeAccount(emails(2_400));
    const candidates: RemovalCandidate[] = [...emails(2_400), ...emails(50, 'unknown')].map((email) => ({ email }));

    const outcome = await removeFromList({ client: account.client, listId: 'L1', candidates });

    expect(account.lookups.map((lookup) => lookup.length)).toEqual([...Array<number>(24).fill(100), 50]);
    expect(account.removals.map((ids) => ids.length).sort((a, b) => b - a)).toEqual([1000, 1000, 400]);
    expect(account.members.size).toBe(0);
    expect(outcome).toMatchObject({ removed: 2_450, notFound: 50, failed: 0, notAttempted: 0, firstFailure: undefined });
    expect(account.maxInFlight()).toBeLessThanOrEqual(4);
  });

  it('removes by profile id without a lookup (--mirror-source list)', async () => {
    const account = fakeAccount(emails(2_500));
    const candidates = Array.from({ length: 2_500 }, (_, index) => ({ profileId: `P${index}` }));

    const outcome = await removeFromList({ client: account.client, listId: 'L1', candidates, concurrency: 1 });

    expect(account.lookups).toEqual([]);
    expect(account.removals.map((ids) => ids.length)).toEqual([1000, 1000, 500]);
    expect(outcome).toMatchObject({ removed: 2_500, failed: 0 });
  });

  it('reports a removal that still fails after the client retries, and goes on with the others', async () => {
    const candidates = Array.from({ length: 2_500 }, (_, index) => ({ profileId: `P${index}` }));
    const failing = fakeAccount(emails(2_500), { failRemovalNumber: 2 });
    const failed = await removeFromList({ client: failing.client, listId: 'L1', candidates, concurrency: 1 });

    expect(failed).toMatchObject({ removed: 1_500, failed: 1_000, notAttempted: 0 });
    expect(failed.statuses[999]).toBe(RemovalStatus.removed);
    expect(failed.statuses[1000]).toBe(RemovalStatus.failed);
    expect(failed.statuses[1999]).toBe(RemovalStatus.failed);
    expect(failed.firstFailure).toContain('DELETE /api/lists/L1/relationships/profiles answered 500');
  });

  it('marks the emails of a failed lookup failed, never echoing an address', async () => {
    const account = fakeAccount(emails(250), { failLookupNumber: 2 });

    const outcome = await removeFromList({
      client: account.client,
      listId: 'L1',
      candidates: emails(250).map((email) => ({ email })),
      concurrency: 1,
    });

    expect(outcome).toMatchObject({ removed: 150, failed: 100 });
    expect(outcome.statuses.slice(100, 200).every((status) => status === RemovalStatus.failed)).toBe(true);
    expect(outcome.firstFailure).toContain('<email>');
    expect(outcome.firstFailure).not.toContain('ana@example.com');
  });

  it('starts nothing new once stopped; what was not attempted stays so', async () => {
    const controller = new AbortController();
    const account = fakeAccount(emails(3_000), { onRemoval: () => controller.abort() });
    const candidates = Array.from({ length: 3_000 }, (_, index) => ({ profileId: `P${index}` }));

    const outcome = await removeFromList({ client: account.client, listId: 'L1', candidates, concurrency: 1, signal: controller.signal });

    expect(account.removals).toHaveLength(1);
    expect(outcome).toMatchObject({ removed: 1_000, failed: 0, notAttempted: 2_000 });
    expect(account.members.size).toBe(2_000);
  });
});
