import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../config/secret.js';
import { AuthError } from '../errors.js';
import { createKlaviyoClient } from '../klaviyo/klaviyo-client.js';
import { subscriptionJobBody, type SubscriptionEntry } from '../klaviyo/profile-subscription-bulk-create.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from './sandbox-server.js';

const KEY = 'pk_sandbox_0000000000000000000000000000';
const LIST = 'Y6nRLr';
const HEADERS = { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' };
const OPTED_OUT_AT = '2025-01-10T08:00:00Z';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}) {
  sandbox = await startSandbox({ rateLimits: 'off', ...options });
  const client = createKlaviyoClient({
    baseUrl: sandbox.url,
    apiKey: new Secret(options.keys?.[0]?.key ?? KEY),
    userAgent: 'test',
    maxRetries: 0,
  });
  return { sandbox, client };
}

const unsubscribedAnn = {
  email: 'ann@example.com',
  emailConsent: 'UNSUBSCRIBED',
  emailConsentAt: OPTED_OUT_AT,
  suppressions: [{ reason: 'UNSUBSCRIBE', at: OPTED_OUT_AT }],
} as const;
const bouncedBo = {
  email: 'bo@example.com',
  emailConsent: 'SUBSCRIBED',
  suppressions: [{ reason: 'HARD_BOUNCE', at: OPTED_OUT_AT }],
} as const;

const subscribe = (entries: SubscriptionEntry[], historicalImport = false, listId = LIST) =>
  subscriptionJobBody({ listId, historicalImport, entries });
const emailOnly = (email: string, consentedAt?: string): SubscriptionEntry =>
  consentedAt === undefined
    ? { email, channels: { email: true, sms: false } }
    : { email, channels: { email: true, sms: false }, consentedAt };

async function post(body: unknown): Promise<{ status: number; errors: { detail: string; source: { pointer?: string } }[] }> {
  const response = await fetch(`${sandbox!.url}/api/profile-subscription-bulk-create-jobs`, {
    method: 'POST',
    headers: HEADERS,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await response.json()) as { errors?: { detail: string; source: { pointer?: string } }[] };
  return { status: response.status, errors: json.errors ?? [] };
}

describe('consent through the profile lookup', () => {
  it('shows seeded opt-outs with their times, and nothing for unknown emails', async () => {
    const { client } = await start({ profiles: [unsubscribedAnn, bouncedBo] });

    const profiles = await client.lookupProfileConsent(['ANN@example.com', 'bo@example.com', 'new@example.com']);

    expect(profiles).toEqual([
      expect.objectContaining({
        email: 'ann@example.com',
        emailMarketing: {
          consent: 'UNSUBSCRIBED',
          consentAtMs: Date.parse(OPTED_OUT_AT),
          suppressions: [{ reason: 'UNSUBSCRIBE', atMs: Date.parse(OPTED_OUT_AT) }],
        },
        smsMarketing: { consent: 'NEVER_SUBSCRIBED' },
      }),
      expect.objectContaining({
        email: 'bo@example.com',
        emailMarketing: { consent: 'SUBSCRIBED', suppressions: [{ reason: 'HARD_BOUNCE', atMs: Date.parse(OPTED_OUT_AT) }] },
      }),
    ]);
  });

  it('refuses more than 100 values in any(), as Klaviyo does', async () => {
    await start();
    const emails = Array.from({ length: 101 }, (_, index) => `"u${index}@example.com"`).join(',');
    const response = await fetch(`${sandbox!.url}/api/profiles?filter=${encodeURIComponent(`any(email,[${emails}])`)}`, {
      headers: HEADERS,
    });
    expect(response.status).toBe(400);
  });
});

describe('subscribing on a single opt-in list', () => {
  it('subscribes and adds to the list, and lifts an UNSUBSCRIBE suppression (why opt-outs must never be sent)', async () => {
    const { sandbox, client } = await start({ profiles: [unsubscribedAnn, bouncedBo] });

    await expect(
      client.createSubscriptionJob(subscribe([emailOnly('ann@example.com'), emailOnly('bo@example.com'), emailOnly('cy@example.com')])),
    ).resolves.toEqual({
      kind: 'accepted',
    });

    expect(sandbox.profileConsent('ann@example.com')).toMatchObject({ email: { consent: 'SUBSCRIBED', suppressions: [] } });
    expect(sandbox.profileConsent('bo@example.com')?.email.suppressions).toEqual([
      { reason: 'HARD_BOUNCE', at: '2025-01-10T08:00:00.000000+00:00' },
    ]);
    expect(sandbox.profileConsent('cy@example.com')?.email.consent).toBe('SUBSCRIBED');
    expect(sandbox.listMemberEmails(LIST)).toEqual(['ann@example.com', 'bo@example.com', 'cy@example.com']);
    expect(sandbox.stats()).toMatchObject({ profilesSubscribeRequested: 3, confirmationEmailsSent: 0 });
  });

  it('subscribes SMS with the phone number, leaving email consent alone', async () => {
    const { sandbox, client } = await start();
    await client.createSubscriptionJob(
      subscribe([{ email: 'dee@example.com', phoneNumber: '+14155552671', channels: { email: false, sms: true } }]),
    );
    expect(sandbox.profileConsent('dee@example.com')).toMatchObject({
      email: { consent: 'NEVER_SUBSCRIBED' },
      sms: { consent: 'SUBSCRIBED' },
    });
  });

  it('records the consent time of a historical import', async () => {
    const { sandbox, client } = await start();
    await client.createSubscriptionJob(subscribe([emailOnly('ed@example.com', '2024-03-05T14:30:00.000Z')], true));
    expect(sandbox.profileConsent('ed@example.com')?.email).toMatchObject({
      consent: 'SUBSCRIBED',
      consentAt: '2024-03-05T14:30:00.000000+00:00',
    });
  });
});

describe('subscribing on a double opt-in list', () => {
  const lists = [{ id: LIST, name: 'Newsletter', optInProcess: 'double_opt_in' as const }];

  it('says so on the list, and sends confirmation emails instead of subscribing', async () => {
    const { sandbox, client } = await start({ lists });
    expect((await client.getList(LIST)).optInProcess).toBe('double_opt_in');

    await client.createSubscriptionJob(subscribe([emailOnly('ann@example.com'), emailOnly('bo@example.com')]));

    expect(sandbox.stats().confirmationEmailsSent).toBe(2);
    expect(sandbox.profileConsent('ann@example.com')).toMatchObject({
      email: { consent: 'NEVER_SUBSCRIBED' },
      pendingConfirmationListIds: [LIST],
    });
    expect(sandbox.listMemberEmails(LIST)).toEqual([]);
  });

  it('counts, per profile, the subscriptions applied and the confirmation emails sent', async () => {
    const { sandbox, client } = await start({ lists });
    await client.createSubscriptionJob(subscribe([emailOnly('ann@example.com')]));
    await client.createSubscriptionJob(subscribe([emailOnly('ann@example.com'), emailOnly('bo@example.com')]));
    await client.createSubscriptionJob(subscribe([emailOnly('cy@example.com', '2024-03-05T14:30:00.000Z')], true));
    await client.createSubscriptionJob(subscribe([emailOnly('cy@example.com', '2024-03-05T14:30:00.000Z')], true));

    expect(sandbox.profileConsent('ann@example.com')?.counters).toEqual({ subscriptions: { email: 0, sms: 0 }, confirmationEmails: 2 });
    expect(sandbox.profileConsent('bo@example.com')?.counters).toEqual({ subscriptions: { email: 0, sms: 0 }, confirmationEmails: 1 });
    expect(sandbox.profileConsent('cy@example.com')?.counters).toEqual({ subscriptions: { email: 2, sms: 0 }, confirmationEmails: 0 });
    expect(sandbox.stats()).toMatchObject({ profilesSubscribedTwice: 1, profilesConfirmationEmailedTwice: 1 });
  });

  it('calls the kill point after applying each accepted subscribe request, before answering', async () => {
    const applied: { count: number; pending: string[] }[] = [];
    const { sandbox, client } = await start({
      lists,
      faults: {
        onSubscribeApplied: (count) =>
          applied.push({ count, pending: sandbox.profileConsent('ann@example.com')!.pendingConfirmationListIds }),
      },
    });
    await client.createSubscriptionJob(subscribe([emailOnly('ann@example.com')]));
    await client.createSubscriptionJob(subscribe([emailOnly('bo@example.com')]));
    expect(applied).toEqual([
      { count: 1, pending: [LIST] },
      { count: 2, pending: [LIST] },
    ]);
  });

  it('skips the confirmation for a historical import with a past consent time', async () => {
    const { sandbox, client } = await start({ lists });
    await client.createSubscriptionJob(subscribe([emailOnly('ann@example.com', '2024-03-05T14:30:00.000Z')], true));
    expect(sandbox.stats().confirmationEmailsSent).toBe(0);
    expect(sandbox.profileConsent('ann@example.com')?.email.consent).toBe('SUBSCRIBED');
    expect(sandbox.listMemberEmails(LIST)).toEqual(['ann@example.com']);
  });
});

describe('what the subscribe endpoint refuses', () => {
  const marketing = (extra: object = {}) => ({ email: { marketing: { consent: 'SUBSCRIBED', ...extra } } });
  const body = (profiles: object[], attributes: object = {}) => ({
    data: {
      type: 'profile-subscription-bulk-create-job',
      attributes: { profiles: { data: profiles }, ...attributes },
      relationships: { list: { data: { type: 'list', id: LIST } } },
    },
  });
  const profile = (subscriptions: object, email = 'ann@example.com') => ({ type: 'profile', attributes: { email, subscriptions } });

  it.each([
    [
      'consented_at without historical_import',
      body([profile(marketing({ consented_at: '2024-03-05T00:00:00Z' }))]),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'historical_import without consented_at',
      body([profile(marketing())], { historical_import: true }),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'a consented_at in the future',
      body([profile(marketing({ consented_at: '2999-01-01T00:00:00Z' }))], { historical_import: true }),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consented_at',
    ],
    [
      'a consent other than SUBSCRIBED',
      body([profile({ email: { marketing: { consent: 'UNSUBSCRIBED' } } })]),
      '/data/attributes/profiles/data/0/attributes/subscriptions/email/marketing/consent',
    ],
    [
      'SMS without a phone number',
      body([profile({ sms: { marketing: { consent: 'SUBSCRIBED' } } })]),
      '/data/attributes/profiles/data/0/attributes/phone_number',
    ],
    [
      'a phone number not in E.164',
      body([
        { type: 'profile', attributes: { phone_number: '415 555 2671', subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED' } } } } },
      ]),
      '/data/attributes/profiles/data/0/attributes/phone_number',
    ],
    [
      'a profile without subscriptions',
      body([{ type: 'profile', attributes: { email: 'ann@example.com' } }]),
      '/data/attributes/profiles/data/0/attributes/subscriptions',
    ],
    [
      'an unknown attribute',
      body([{ type: 'profile', attributes: { email: 'ann@example.com', first_name: 'Ann', subscriptions: marketing() } }]),
      '/data/attributes/profiles/data/0/attributes/first_name',
    ],
    [
      'more than 1,000 profiles',
      body(Array.from({ length: 1001 }, (_, index) => profile(marketing(), `u${index}@example.com`))),
      '/data/attributes/profiles/data',
    ],
  ])('%s (400, with a pointer), changing nothing', async (_name, requestBody, pointer) => {
    await start();
    const { status, errors } = await post(requestBody);
    expect(status).toBe(400);
    expect(errors.map((error) => error.source.pointer)).toContain(pointer);
    expect(sandbox!.profileCount()).toBe(0);
  });

  it.each([
    ['all', ['/data/attributes/profiles/data/1/attributes/email']],
    ['none', ['/data']],
  ] as const)('refuses the faulted emails with a 400 naming %s of them', async (refuseSubscribeEmailsAs, pointers) => {
    await start({ faults: { refuseSubscribeEmails: ['BO@example.com'], refuseSubscribeEmailsAs } });
    const answer = await post(body([profile(marketing()), profile(marketing(), 'bo@example.com')]));
    expect(answer.status).toBe(400);
    expect(answer.errors.map((error) => error.source.pointer)).toEqual(pointers);
    expect(sandbox!.profileConsent('ann@example.com')).toBeUndefined();
  });

  it('refuses an unknown list with 404', async () => {
    const { client } = await start();
    await expect(client.createSubscriptionJob(subscribe([emailOnly('ann@example.com')], false, 'Nope12'))).rejects.toThrow(/404/);
  });

  it('refuses a key without subscriptions:write with 403 permission_denied, which the client names', async () => {
    const { client } = await start({ keys: [{ key: 'pk_no_subscriptions_000000000000000', scopes: ['lists:write', 'profiles:write'] }] });
    const error = await client.createSubscriptionJob(subscribe([emailOnly('ann@example.com')])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('subscriptions:write');
    expect(sandbox!.profileCount()).toBe(0);
  });
});
