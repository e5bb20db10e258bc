import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InternalError } from '../errors.js';
import { BASE_URL, createTestClient } from './klaviyo-client.test-support.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function profileResource(id: string, email: string, subscriptions: object) {
  return { type: 'profile', id, attributes: { email, subscriptions }, links: { self: `${BASE_URL}/api/profiles/${id}/` } };
}

const UNSUBSCRIBED = {
  email: {
    marketing: {
      can_receive_email_marketing: false,
      consent: 'UNSUBSCRIBED',
      consent_timestamp: '2025-01-10T08:00:00.000000+00:00',
      last_updated: '2025-01-10T08:00:00.000000+00:00',
      method: 'PREFERENCE_PAGE',
      suppression: [{ reason: 'UNSUBSCRIBE', timestamp: '2025-01-10T08:00:00.000000+00:00' }],
      list_suppressions: [{ list_id: 'Y6nRLr', reason: 'USER_SUPPRESSED', timestamp: '2025-01-11T08:00:00+00:00' }],
    },
  },
  sms: { marketing: { can_receive_sms_marketing: true, consent: 'SUBSCRIBED', consent_timestamp: '2024-05-01T00:00:00+00:00' } },
};

describe('lookupProfileConsent', () => {
  it('asks for the emails with their subscriptions, 100 a page, and reads consent, suppressions and their times', async () => {
    let query: Record<string, string> = {};
    const scope = nock(BASE_URL)
      .get('/api/profiles')
      .query((received) => {
        query = received as Record<string, string>;
        return true;
      })
      .reply(200, {
        data: [
          profileResource('01A', 'Ann@Example.com', UNSUBSCRIBED),
          profileResource('01B', 'bo@example.com', {
            email: { marketing: { can_receive_email_marketing: true, consent: 'NEVER_SUBSCRIBED' } },
          }),
        ],
        links: { self: `${BASE_URL}/api/profiles`, next: null },
      });
    const { client } = createTestClient();

    const profiles = await client.lookupProfileConsent(['Ann@Example.com', "o'neil@example.com", 'bo@example.com']);

    expect(query).toEqual({
      filter: `any(email,["Ann@Example.com","o'neil@example.com","bo@example.com"])`,
      'additional-fields[profile]': 'subscriptions',
      'fields[profile]': 'email,subscriptions',
      'page[size]': '100',
    });
    expect(profiles).toEqual([
      {
        profileId: '01A',
        email: 'ann@example.com',
        emailMarketing: {
          consent: 'UNSUBSCRIBED',
          consentAtMs: Date.parse('2025-01-10T08:00:00Z'),
          suppressions: [
            { reason: 'UNSUBSCRIBE', atMs: Date.parse('2025-01-10T08:00:00Z') },
            { reason: 'USER_SUPPRESSED', atMs: Date.parse('2025-01-11T08:00:00Z'), listId: 'Y6nRLr' },
          ],
        },
        smsMarketing: { consent: 'SUBSCRIBED', consentAtMs: Date.parse('2024-05-01T00:00:00Z') },
      },
      { profileId: '01B', email: 'bo@example.com', emailMarketing: { consent: 'NEVER_SUBSCRIBED', suppressions: [] } },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('follows the next page', async () => {
    const next = `${BASE_URL}/api/profiles?page%5Bcursor%5D=abc`;
    const scope = nock(BASE_URL)
      .get('/api/profiles')
      .query((received) => received['page[cursor]'] === undefined)
      .reply(200, { data: [profileResource('01A', 'a@example.com', {})], links: { next } })
      .get('/api/profiles')
      .query({ 'page[cursor]': 'abc' })
      .reply(200, { data: [profileResource('01B', 'b@example.com', {})], links: { next: null } });
    const { client } = createTestClient();

    const profiles = await client.lookupProfileConsent(['a@example.com', 'b@example.com']);

    expect(profiles.map((profile) => profile.profileId)).toEqual(['01A', '01B']);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses more than 100 emails before sending anything (Klaviyo caps any() at 100 values)', async () => {
    const { client, events } = createTestClient();
    const emails = Array.from({ length: 101 }, (_, index) => `u${index}@example.com`);
    await expect(client.lookupProfileConsent(emails)).rejects.toBeInstanceOf(InternalError);
    expect(events).toEqual([]);
  });

  it('retries a 429 after its Retry-After, like every request', async () => {
    const scope = nock(BASE_URL)
      .get('/api/profiles')
      .query(true)
      .reply(429, { errors: [{ status: 429, code: 'throttled' }] }, { 'Retry-After': '2' })
      .get('/api/profiles')
      .query(true)
      .reply(200, { data: [], links: { next: null } });
    const { client, time } = createTestClient();

    await expect(client.lookupProfileConsent(['a@example.com'])).resolves.toEqual([]);
    expect(time.delays).toEqual([2_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("is paced by get_profiles' published limit: a 76th lookup in the same second waits", async () => {
    nock(BASE_URL)
      .get('/api/profiles')
      .query(true)
      .times(76)
      .reply(200, { data: [], links: { next: null } });
    const { client, time } = createTestClient({ rateLimits: 'klaviyo' });

    for (let index = 0; index < 76; index += 1) await client.lookupProfileConsent([`u${index}@example.com`]);

    expect(time.delays).toEqual([1_000]);
  });
});
