import { RemovalGuardError, SyncStateError } from '../../errors.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ListMemberRef } from '../../klaviyo/klaviyo-client.js';

import { DEFAULT_MAX_REMOVALS, type MaxRemovals } from './sync-plan.js';
import { SyncSession, type MirrorSource } from './sync-session.js';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'sync-session-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

/** The Klaviyo side: profiles by email, and the list's members (ids). */
class FakeAccount {
  readonly ids = new Map<string, string>();
  readonly members = new Set<string>();
  readonly noEmailMembers = new Set<string>();
  removalRequests = 0;

  put(emails: Iterable<string>): void {
    for (const email of emails) {
      if (!this.ids.has(email)) this.ids.set(email, `P-${email}`);
      this.members.add(this.ids.get(email)!);
    }
  }

  memberEmails(): string[] {
    return [...this.ids].filter(([, id]) => this.members.has(id)).map(([email]) => email);
  }

  readonly client = {
    findProfileIdsByEmail: async (emails: readonly string[]) => {
      await Promise.resolve();
      return emails.flatMap((email) => (this.ids.has(email) ? [{ email, profileId: this.ids.get(email)! }] : []));
    },
    removeProfilesFromList: async (_listId: string, ids: readonly string[]) => {
      await Promise.resolve();
      this.removalRequests += 1;
      for (const id of ids) {
        this.members.delete(id);
        this.noEmailMembers.delete(id);
      }
    },
    listMembers: (_listId: string): AsyncIterable<ListMemberRef[]> => {
      const members: ListMemberRef[] = [
        ...this.memberEmails().map((email) => ({ profileId: this.ids.get(email)!, email })),
        ...[...this.noEmailMembers].map((profileId) => ({ profileId, email: undefined })),
      ];
      return (async function* () {
        await Promise.resolve();
        for (let start = 0; start < members.length; start += 100) yield members.slice(start, start + 100);
      })();
    },
  };
}

interface Run {
  session: SyncSession;
  sent: string[];
}

const attributes = (email: string, version = 1) => JSON.stringify({ email, properties: { v: version } });

/** What a push does with a file of (email, attribute version) rows, up to the guard; then delivers what it selected. */
async function push(
  account: FakeAccount,
  file: [string, number][],
  options: { mirror?: MirrorSource; changedOnly?: boolean; maxRemovals?: MaxRemovals; remove?: boolean } = {},
): Promise<Run> {
  const session = await SyncSession.open({
    stateDir,
    listId: 'L1',
    mirror: options.mirror,
    changedOnly: options.changedOnly ?? false,
    maxRemovals: options.maxRemovals ?? DEFAULT_MAX_REMOVALS,
  });
  if (options.mirror === 'list') await session.readListMembers(account.client);
  const sent = file.filter(([email, version]) => session.select(email, attributes(email, version))).map(([email]) => email);
  const plan = session.planRemovals();
  try {
    session.checkGuard(plan);
  } catch (error) {
    session.discard();
    throw error;
  }
  account.put(sent);
  session.commitDelivered();
  if (options.remove !== false) await session.removePlannedMembers(account.client);
  return { session, sent };
}

const emails = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `m${from + index}@example.com`);
const rows = (list: string[], version = 1): [string, number][] => list.map((email) => [email, version]);

describe('--mirror with the sync state', () => {
  it('removes nothing on the first run, then keeps the list equal to the file', async () => {
    const account = new FakeAccount();
    const first = await push(account, rows(emails(0, 1000)), { mirror: 'state' });
    expect(first.session.planRemovals().noRemovalReason).toBe('no-state');
    expect(first.session.counts).toMatchObject({ added: 1000, removalsPlanned: 0, removalsDone: 0 });

    // 10% gone, 5% new.
    const second = await push(account, rows([...emails(100, 1000), ...emails(1000, 1050)]), { mirror: 'state' });

    expect(second.session.counts).toMatchObject({ added: 50, resent: 900, removalsPlanned: 100, removalsDone: 100, removalsFailed: 0 });
    expect(account.memberEmails().sort()).toEqual([...emails(100, 1000), ...emails(1000, 1050)].sort());
  });

  it('never touches members another tool added', async () => {
    const account = new FakeAccount();
    account.put(['signup@example.com']);
    await push(account, rows(emails(0, 20)), { mirror: 'state' });

    await push(account, rows(emails(0, 18)), { mirror: 'state' });

    expect(account.memberEmails()).toContain('signup@example.com');
    expect(account.memberEmails()).not.toContain('m19@example.com');
  });

  it('refuses a file cut to 30% before anything is sent, leaving the state as it was; --max-removals 100% then passes', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 1000)), { mirror: 'state' });

    const error = await push(account, rows(emails(0, 300)), { mirror: 'state' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemovalGuardError);
    expect((error as Error).message).toContain("remove 700 of the list's 1,000 known members (70%)");
    expect(account.memberEmails()).toHaveLength(1000);

    const allowed = await push(account, rows(emails(0, 300)), { mirror: 'state', maxRemovals: { kind: 'percent', percent: 100 } });
    expect(allowed.session.counts.removalsDone).toBe(700);
    expect(account.memberEmails()).toHaveLength(300);
  });

  it('finishes removals a killed run left, without removing anyone back in the file', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 100)), { mirror: 'state' });
    // Killed after the state was written, before any removal.
    await push(account, rows(emails(0, 95)), { mirror: 'state', remove: false });
    expect(account.memberEmails()).toHaveLength(100);

    // The rerun's file has m97 back, with the same attributes as before.
    const rerun = await push(account, rows([...emails(0, 95), 'm97@example.com']), { mirror: 'state', changedOnly: true });

    expect(rerun.sent).toEqual(['m97@example.com']); // pending removal: maybe gone already, so sent again
    expect(rerun.session.counts).toMatchObject({ removalsPlanned: 4, removalsDone: 4, unchanged: 95, added: 1 });
    expect(account.memberEmails().sort()).toEqual([...emails(0, 95), 'm97@example.com'].sort());

    const next = await push(account, rows([...emails(0, 95), 'm97@example.com']), { mirror: 'state', changedOnly: true });
    expect(next.sent).toEqual([]);
    expect(next.session.counts.removalsPlanned).toBe(0);
  });
});

describe('--changed-only', () => {
  it('sends only new and changed profiles, and records what was sent', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 200)), { changedOnly: true });

    const changed: [string, number][] = emails(0, 200).map((email, index) => [email, index % 100 === 7 ? 2 : 1]);
    const second = await push(account, [...changed, ['new@example.com', 1]], { changedOnly: true });

    expect(second.sent).toEqual(['m7@example.com', 'm107@example.com', 'new@example.com']);
    expect(second.session.counts).toMatchObject({ added: 1, updated: 2, unchanged: 198 });
    const third = await push(account, [...changed, ['new@example.com', 1]], { changedOnly: true });
    expect(third.sent).toEqual([]);
  });

  it('keeps the old state when the run is discarded', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 10)), { changedOnly: true });
    const session = await SyncSession.open({
      stateDir,
      listId: 'L1',
      mirror: undefined,
      changedOnly: true,
      maxRemovals: DEFAULT_MAX_REMOVALS,
    });
    session.select('m0@example.com', attributes('m0@example.com', 2));
    session.discard();

    const again = await push(account, rows(emails(0, 10), 2), { changedOnly: true });
    expect(again.sent).toHaveLength(10);
  });
});

describe('a dry run', () => {
  it('shows the plan and writes nothing', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 100)), { mirror: 'state', changedOnly: true });
    const session = await SyncSession.open({
      stateDir,
      listId: 'L1',
      mirror: 'state',
      changedOnly: true,
      maxRemovals: DEFAULT_MAX_REMOVALS,
      readOnly: true,
    });
    const sent = rows(emails(0, 95), 2).filter(([email, version]) => session.select(email, attributes(email, version)));

    expect(sent).toHaveLength(95);
    expect(session.planRemovals().planned).toBe(5);
    session.discard();
    const again = await push(account, rows(emails(0, 100)), { mirror: 'state', changedOnly: true });
    expect(again.sent).toEqual([]);
  });
});

describe('--mirror-source list', () => {
  it('removes members whose email is not in the file, keeps members without an email, and resends unchanged profiles the list lost', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 50)), { mirror: 'list', changedOnly: true });
    account.put(['foreign@example.com']);
    account.noEmailMembers.add('P-phone-only');
    account.members.delete(account.ids.get('m3@example.com')!); // someone removed m3 by hand

    const second = await push(account, rows(emails(0, 50)), {
      mirror: 'list',
      changedOnly: true,
      maxRemovals: { kind: 'count', count: 1 },
    });

    expect(second.sent).toEqual(['m3@example.com']);
    expect(second.session.counts).toMatchObject({ unchanged: 49, resent: 1, removalsPlanned: 1, removalsDone: 1, membersKept: 1 });
    expect(account.memberEmails().sort()).toEqual(emails(0, 50).sort());
    expect(account.noEmailMembers.has('P-phone-only')).toBe(true);
  });
});

describe('a damaged sync state', () => {
  it('stops the run with one sentence', async () => {
    const account = new FakeAccount();
    await push(account, rows(emails(0, 10)), { mirror: 'state' });
    writeFileSync(join(stateDir, 'push-L1.sync-state'), 'garbage');

    await expect(push(account, rows(emails(0, 10)), { mirror: 'state' })).rejects.toThrow(SyncStateError);
  });
});

describe('summarize', () => {
  it('gives the reports every count, and says why a first mirror run removed nothing', async () => {
    const account = new FakeAccount();
    const first = await push(account, rows(emails(0, 10)), { mirror: 'state', changedOnly: true });
    expect(first.session.summarize(null)).toEqual({
      mirror: 'state',
      changedOnly: true,
      hadState: false,
      added: 10,
      updated: 0,
      unchanged: 0,
      resent: 0,
      removals: { planned: 0, done: 0, failed: 0, notAttempted: 0, knownMembers: 0, limit: 0, maxRemovals: '10%' },
      membersKept: 0,
      noRemovalReason: expect.stringMatching(/^no sync state from an earlier run/),
    });

    const second = await push(account, rows(emails(0, 9)), { mirror: 'state', changedOnly: true });
    expect(second.session.summarize(null)).toMatchObject({
      hadState: true,
      unchanged: 9,
      removals: { planned: 1, done: 1, knownMembers: 10, limit: 1 },
      noRemovalReason: null,
    });
  });
});
