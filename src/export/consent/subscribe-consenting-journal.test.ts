import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProfileConsent } from '../../klaviyo/klaviyo-client.js';
import { ConsentJournal, consentJournalPath } from '../../state/consent-journal.js';
import { RowLedger } from '../rejects/row-ledger.js';
import { consentText, type SubscribeCandidate } from '../scan/subscribe-candidate.js';
import { subscribeConsenting, type SubscribeOptions } from './subscribe-consenting.js';

const LIST = 'Y6nRLr';
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kx-consent-step-'));
  path = consentJournalPath(dir, LIST);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const candidate = (index: number, overrides: Partial<SubscribeCandidate> = {}): SubscribeCandidate => ({
  line: index + 2,
  email: `user${index}@example.com`,
  channels: { email: true, sms: false },
  ...overrides,
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => candidate(from + i));

function fakeKlaviyo(known: ProfileConsent[] = []) {
  const looked = new Set<string>();
  const sent: string[] = [];
  const client: SubscribeOptions['client'] = {
    lookupProfileConsent: async (emails) => {
      for (const email of emails) looked.add(email);
      const wanted = new Set(emails);
      return known.filter((profile) => wanted.has(profile.email));
    },
    createSubscriptionJob: async (body) => {
      for (const profile of JSON.parse(body).data.attributes.profiles.data) sent.push(profile.attributes.email);
      return { kind: 'accepted' };
    },
  };
  return { client, looked, sent };
}

const subscribed = (email: string): ProfileConsent => ({
  profileId: email,
  email,
  emailMarketing: { consent: 'SUBSCRIBED', suppressions: [] },
});
const unsubscribed = (email: string): ProfileConsent => ({
  profileId: email,
  email,
  emailMarketing: { consent: 'UNSUBSCRIBED', consentAtMs: 1, suppressions: [{ reason: 'UNSUBSCRIBE', atMs: 1 }] },
});

async function run(candidates: SubscribeCandidate[], client: SubscribeOptions['client'], overrides: Partial<SubscribeOptions> = {}) {
  const ledger = new RowLedger();
  const result = await subscribeConsenting(candidates, {
    client,
    listId: LIST,
    channels: ['email'],
    allowResubscribe: false,
    concurrency: 3,
    ledger,
    journal: await ConsentJournal.open(path, LIST),
    ...overrides,
  });
  return { ...result, outcomes: ledger.consentOutcomes() };
}

/** What a run killed after two requests leaves: one answered (0-999), one sent and never answered (1000-1999). */
async function interruptedRun(mail: boolean) {
  const journal = await ConsentJournal.open(path, LIST);
  await journal.startRun();
  const keys = (list: SubscribeCandidate[]) => list.map((c) => journal.keyOf(c.email, consentText(c)));
  await journal.recordDone(await journal.recordIntent(keys(range(0, 1000)), mail), true);
  await journal.recordIntent(keys(range(1000, 2000)), mail);
}

describe('subscribeConsenting with the consent journal', () => {
  it('after a kill on a double opt-in list: skips what was answered, sends no second confirmation, sends the rest', async () => {
    await interruptedRun(true);
    // The unanswered request reached Klaviyo for half of its profiles (they confirmed); one of them opted out since.
    const known = [...range(1000, 1500).map((c) => subscribed(c.email)), unsubscribed('user1600@example.com')];
    const { client, looked, sent } = fakeKlaviyo(known);

    const result = await run(range(0, 3000), client, { optInProcess: 'double_opt_in' });

    expect([...looked].some((email) => /^user\d{1,3}@/.test(email))).toBe(false);
    expect(looked.size).toBe(2000);
    expect(sent).toEqual(range(2000, 3000).map((c) => c.email));
    expect(result).toMatchObject({
      skippedUnchanged: 1000,
      uncertain: { found: 1000, subscribedAlready: 500, notResent: 499, resent: 0 },
      subscribed: { email: 1000 },
    });
    expect(result.outcomes.keptOptedOutCount).toBe(1);
    expect(result.outcomes.uncertain.count).toBe(499);
    expect(result.outcomes.notSubscribed.count).toBe(0);

    // The nightly --changed-only run after it: nothing to send, nobody looked up but the one who opted out.
    const again = fakeKlaviyo(known);
    const second = await run(range(0, 3000), again.client, { optInProcess: 'double_opt_in', changedOnly: true });
    expect(again.sent).toEqual([]);
    expect([...again.looked]).toEqual(['user1600@example.com']);
    expect(second).toMatchObject({ skippedUnchanged: 2999, uncertain: { found: 0 } });
  });

  it('on a single opt-in list sends the unanswered ones again (no confirmation email can come of it)', async () => {
    await interruptedRun(false);
    const { client, sent } = fakeKlaviyo();
    const result = await run(range(0, 2000), client, { optInProcess: 'single_opt_in' });
    expect(sent).toEqual(range(1000, 2000).map((c) => c.email));
    expect(result.uncertain).toEqual({ found: 1000, subscribedAlready: 0, notResent: 0, resent: 1000 });
  });

  it('--changed-only: skips whom a finished run subscribed with the same consent; a new consent time is sent again', async () => {
    const first = fakeKlaviyo();
    await run(range(0, 100), first.client);
    expect(first.sent).toHaveLength(100);

    const nightly = fakeKlaviyo();
    const rows = range(0, 100).map((c, i) => (i < 3 ? { ...c, consentedAtMs: Date.parse('2025-06-01T00:00:00Z') } : c));
    const result = await run(rows, nightly.client, { changedOnly: true });
    expect(nightly.sent).toEqual(['user0@example.com', 'user1@example.com', 'user2@example.com']);
    expect(nightly.looked.size).toBe(3);
    expect(result).toMatchObject({ skippedUnchanged: 97, lookups: 1, subscribeRequests: 1 });

    // Without --changed-only a finished run's profiles are looked up and sent again, as before the journal.
    const full = fakeKlaviyo();
    await run(rows, full.client);
    expect(full.sent).toHaveLength(100);
  });
});
