import { describe, expect, it } from 'vitest';
import { type ApiErrorObject, AuthError, KlaviyoApiError } from '../../errors.js';
import type { CreateSubscriptionJobResult, ProfileConsent } from '../../klaviyo/klaviyo-client.js';
import { subscribeConsenting, type SubscribeOptions } from './subscribe-consenting.js';
import { RowLedger } from '../rejects/row-ledger.js';
import type { SubscribeCandidate } from '../scan/subscribe-candidate.js';

const LIST = 'Y6nRLr';
const OPTED_OUT_AT = Date.parse('2025-01-10T00:00:00Z');

interface SentProfile {
  email: string;
  phone_number?: string;
  subscriptions: Record<string, { marketing: { consent: string; consented_at?: string } }>;
}

/** Klaviyo as the subscribe step sees it: the recorded consents, and a rule for refusing requests. */
function fakeClient(
  known: ProfileConsent[],
  refuse: (profiles: SentProfile[]) => CreateSubscriptionJobResult | Error | undefined = () => undefined,
) {
  const lookups: string[][] = [];
  const requests: { historical: boolean; profiles: SentProfile[] }[] = [];
  const client: SubscribeOptions['client'] = {
    lookupProfileConsent: async (emails) => {
      lookups.push([...emails]);
      const wanted = new Set(emails.map((email) => email.toLowerCase()));
      return known.filter((profile) => wanted.has(profile.email));
    },
    createSubscriptionJob: async (body) => {
      const parsed = JSON.parse(body);
      expect(parsed.data.relationships.list.data.id).toBe(LIST);
      const profiles = parsed.data.attributes.profiles.data.map((profile: { attributes: SentProfile }) => profile.attributes);
      const outcome = refuse(profiles);
      if (outcome instanceof Error) throw outcome;
      if (outcome !== undefined) return outcome;
      requests.push({ historical: parsed.data.attributes.historical_import === true, profiles });
      return { kind: 'accepted' };
    },
  };
  return { client, lookups, requests };
}

const unsubscribed = (email: string): ProfileConsent => ({
  profileId: `P-${email}`,
  email,
  emailMarketing: { consent: 'UNSUBSCRIBED', consentAtMs: OPTED_OUT_AT, suppressions: [{ reason: 'UNSUBSCRIBE', atMs: OPTED_OUT_AT }] },
  smsMarketing: { consent: 'NEVER_SUBSCRIBED' },
});

function candidate(index: number, overrides: Partial<SubscribeCandidate> = {}): SubscribeCandidate {
  return { line: index + 2, email: `user${index}@example.com`, channels: { email: true, sms: false }, ...overrides };
}

type StepOptions = Omit<SubscribeOptions, 'ledger'>;

function options(client: SubscribeOptions['client'], overrides: Partial<StepOptions> = {}): StepOptions {
  return { client, listId: LIST, channels: ['email'], allowResubscribe: false, concurrency: 4, ...overrides };
}

/** A consenting row the step recorded as refused or failed: what the rejects file gets. */
interface RefusedRow {
  line: number;
  reason: 'subscribe_refused' | 'subscribe_failed';
  description: string;
  detail: string;
  email: string;
}

/** Runs the step with a row ledger, and reads back what a summary would: the step's counts, the ledger's outcomes, the refused rows. */
async function subscribe(candidates: readonly SubscribeCandidate[], stepOptions: StepOptions) {
  const refusedRows: RefusedRow[] = [];
  const ledger = new RowLedger({
    observe: ({ line }, outcome) => {
      const { kind } = outcome;
      if (kind === 'subscribe-refused') refusedRows.push({ line, reason: 'subscribe_refused', ...pick(outcome) });
      if (kind === 'not-subscribed' && outcome.cause === 'failed') refusedRows.push({ line, reason: 'subscribe_failed', ...pick(outcome) });
    },
  });
  const result = await subscribeConsenting(candidates, { ...stepOptions, ledger });
  return { ...result, ...ledger.consentOutcomes(), refusedRows };
}

function pick({ description, detail, email }: { description: string; detail: string; email: string }) {
  return { description, detail, email };
}

describe('subscribeConsenting', () => {
  it('looks up 100 emails a request, subscribes 1,000 a request, and keeps out who opted out, by line', async () => {
    const candidates = Array.from({ length: 2_500 }, (_, index) => candidate(index));
    const { client, lookups, requests } = fakeClient([unsubscribed('user7@example.com'), unsubscribed('user1800@example.com')]);

    const result = await subscribe(candidates, options(client));

    expect(lookups).toHaveLength(25);
    expect(lookups.every((emails) => emails.length === 100)).toBe(true);
    const sent = requests.flatMap((request) => request.profiles.map((profile) => profile.email));
    expect(sent).toHaveLength(2_498);
    expect(sent).not.toContain('user7@example.com');
    expect(sent).not.toContain('user1800@example.com');
    expect(Math.max(...requests.map((request) => request.profiles.length))).toBeLessThanOrEqual(1_000);
    expect(result).toMatchObject({
      subscribed: { email: 2_498, sms: 0 },
      emailWithoutConsentTime: 2_498,
      historicalImport: 0,
      keptOptedOutCount: 2,
      keptOptedOut: [{ reason: 'email_unsubscribed', count: 2, lines: [9, 1802] }],
      refused: 0,
      lookups: 25,
      subscribeRequests: 3,
    });
    expect(JSON.stringify(result)).not.toContain('@');
  });

  it('sends rows with a consent time as a historical import, apart from the others', async () => {
    const consentedAtMs = Date.parse('2024-03-05T14:30:00Z');
    const { client, requests } = fakeClient([]);

    const result = await subscribe([candidate(0, { consentedAtMs }), candidate(1)], options(client));

    expect(requests).toContainEqual({
      historical: true,
      profiles: [
        {
          email: 'user0@example.com',
          subscriptions: { email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2024-03-05T14:30:00.000Z' } } },
        },
      ],
    });
    expect(requests).toContainEqual({
      historical: false,
      profiles: [{ email: 'user1@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } }],
    });
    expect(result).toMatchObject({ historicalImport: 1, emailWithoutConsentTime: 1 });
  });

  it('decides each channel on its own: an email opt-out does not stop an SMS consent', async () => {
    const { client, requests } = fakeClient([unsubscribed('user0@example.com')]);

    const result = await subscribe(
      [candidate(0, { channels: { email: true, sms: true }, phoneNumber: '+14155552671' })],
      options(client, { channels: ['email', 'sms'] }),
    );

    expect(requests[0]?.profiles).toEqual([
      { email: 'user0@example.com', phone_number: '+14155552671', subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED' } } } },
    ]);
    expect(result).toMatchObject({ subscribed: { email: 0, sms: 1 }, keptOptedOutCount: 1 });
  });

  it('with --resubscribe, sends a row whose consent is later than the opt-out, and lists it', async () => {
    const { client, requests } = fakeClient([unsubscribed('user0@example.com'), unsubscribed('user1@example.com')]);
    const later = Date.parse('2025-02-01T00:00:00Z');
    const earlier = Date.parse('2024-12-01T00:00:00Z');

    const result = await subscribe(
      [candidate(0, { consentedAtMs: later }), candidate(1, { consentedAtMs: earlier })],
      options(client, { allowResubscribe: true }),
    );

    expect(requests.flatMap((request) => request.profiles.map((profile) => profile.email))).toEqual(['user0@example.com']);
    expect(result.resubscribed).toEqual({ count: 1, lines: [2] });
    expect(result.keptOptedOut).toEqual([expect.objectContaining({ reason: 'email_unsubscribed', lines: [3] })]);
  });

  it("refuses the profile a 400 points at, with Klaviyo's reason, and subscribes the rest", async () => {
    const error: ApiErrorObject = {
      code: 'invalid',
      detail: 'Invalid email address user1@example.com.',
      pointer: '/data/attributes/profiles/data/1/attributes/email',
    };
    const { client, requests } = fakeClient([], (profiles) =>
      profiles.some((profile) => profile.email === 'user1@example.com') ? { kind: 'invalid', errors: [error] } : undefined,
    );
    const result = await subscribe([candidate(0), candidate(1), candidate(2)], options(client));

    expect(requests.flatMap((request) => request.profiles.map((profile) => profile.email))).toEqual([
      'user0@example.com',
      'user2@example.com',
    ]);
    expect(result.refusedByKlaviyo).toEqual([
      { reason: 'subscribe_invalid', description: 'Invalid email address <email>', count: 1, lines: [3] },
    ]);
    expect(result.refusedRows).toEqual([
      {
        line: 3,
        reason: 'subscribe_refused',
        description: 'Invalid email address <email>',
        detail: 'Invalid email address user1@example.com.',
        email: 'user1@example.com',
      },
    ]);
  });

  it('halves a refused request that names no profile until it finds the one', async () => {
    const { client, requests } = fakeClient([], (profiles) =>
      profiles.some((profile) => profile.email === 'user5@example.com')
        ? { kind: 'invalid', errors: [{ code: 'invalid', detail: 'Invalid input.' }] }
        : undefined,
    );

    const result = await subscribe(
      Array.from({ length: 8 }, (_, index) => candidate(index)),
      options(client),
    );

    expect(requests.flatMap((request) => request.profiles.map((profile) => profile.email))).toHaveLength(7);
    expect(result.refusedByKlaviyo).toEqual([expect.objectContaining({ lines: [7] })]);
    expect(result.subscribed.email).toBe(7);
  });

  it('gives up, within its budget of refusals, a request Klaviyo refuses naming nobody: 28 requests for 64 rows, not 127', async () => {
    let requests = 0;
    const { client } = fakeClient([], () => {
      requests += 1;
      return { kind: 'invalid', errors: [{ code: 'invalid', detail: 'Invalid input.', pointer: '/data' }] };
    });

    const result = await subscribe(
      Array.from({ length: 64 }, (_, index) => candidate(index)),
      options(client),
    );

    // Halving without end cost 2·64 - 1 = 127 requests; the budget is 4·(log2(64) + 1) = 28 refusals.
    expect(requests).toBe(28);
    expect(result.subscribeRequests).toBe(28);
    expect(result.subscribed.email).toBe(0);
    expect(result.refused + result.notSubscribed.count).toBe(64);
    expect(result.notSubscribed.count).toBeGreaterThan(0);
    const givenUp = result.refusedRows.filter((row) => row.reason === 'subscribe_failed');
    expect(givenUp).toHaveLength(result.notSubscribed.count);
    expect(givenUp[0]!.description).toMatch(/without naming which profile it refused, 28 times: given up, not subscribed/);
  });

  it('gives a request up, without halving it, when the 400 is about the request itself (its list)', async () => {
    const error: ApiErrorObject = { code: 'invalid', detail: 'Unknown list.', pointer: '/data/relationships/list/data/id' };
    let requests = 0;
    const { client } = fakeClient([], () => {
      requests += 1;
      return { kind: 'invalid', errors: [error] };
    });
    const result = await subscribe(
      Array.from({ length: 10 }, (_, index) => candidate(index)),
      options(client),
    );
    expect(requests).toBe(1);
    expect(result.notSubscribed.count).toBe(10);
    expect(result.refusedRows[0]).toMatchObject({ reason: 'subscribe_failed', detail: 'Unknown list.' });
  });

  it('stops at a missing scope', async () => {
    const { client } = fakeClient(
      [],
      () => new AuthError('Klaviyo refused subscribing profiles (403): the API key lacks the scope subscriptions:write.'),
    );
    const result = await subscribe([candidate(0), candidate(1)], options(client));
    expect(result.stoppedBy?.message).toMatch(/subscriptions:write/);
    // Every row the step did not settle before the refusal is not sent: none is lost, none is failed.
    expect(result).toMatchObject({ subscribed: { email: 0 }, notSubscribed: { count: 2, lines: [2, 3] }, refusedRows: [] });
  });

  it('counts the rows of a request that failed after its retries as not subscribed, and goes on', async () => {
    let calls = 0;
    const { client } = fakeClient([], () =>
      calls++ === 0 ? new KlaviyoApiError('Klaviyo failed subscribing profiles: 503.', 503) : undefined,
    );
    const result = await subscribe(
      Array.from({ length: 1_500 }, (_, index) => candidate(index)),
      options(client, { concurrency: 1 }),
    );

    expect(result.notSubscribed.count).toBe(1_000);
    expect(result.subscribed.email).toBe(500);
    expect(result.refusedRows[0]).toMatchObject({ reason: 'subscribe_failed', line: 2 });
  });

  it('sends nobody of a chunk whose consent lookup failed: unknown is never taken for "not opted out"', async () => {
    const { client, requests } = fakeClient([]);
    const failing: SubscribeOptions['client'] = {
      ...client,
      lookupProfileConsent: async () => {
        throw new KlaviyoApiError('Klaviyo failed looking up the profiles: 500.', 500);
      },
    };

    const result = await subscribe([candidate(0), candidate(1)], options(failing));

    expect(requests).toEqual([]);
    expect(result.notSubscribed).toEqual({ count: 2, lines: [2, 3] });
  });

  it('sends nothing more once the run is stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    const { client, lookups } = fakeClient([]);
    const result = await subscribe([candidate(0)], options(client, { signal: controller.signal }));
    expect(lookups).toEqual([]);
    expect(result.notSubscribed.count).toBe(1);
  });
});
