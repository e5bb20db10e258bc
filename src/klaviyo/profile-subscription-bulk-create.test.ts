import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, ExitCode, InternalError } from '../errors.js';
import { BASE_URL, createTestClient } from './klaviyo-client.test-support.js';
import { MAX_PROFILES_PER_SUBSCRIBE, subscriptionJobBody, type SubscriptionEntry } from './profile-subscription-bulk-create.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const PATH = '/api/profile-subscription-bulk-create-jobs';
const ANN: SubscriptionEntry = { email: 'ann@example.com', channels: { email: true, sms: false } };
const BO: SubscriptionEntry = { email: 'bo@example.com', phoneNumber: '+14155552671', channels: { email: true, sms: true } };
const BODY = subscriptionJobBody({ listId: 'Y6nRLr', historicalImport: false, entries: [ANN] });

describe('subscriptionJobBody', () => {
  it('subscribes each profile on its consenting channels, into the list, with klaviyo-export as the source', () => {
    const body = subscriptionJobBody({
      listId: 'Y6nRLr',
      historicalImport: false,
      entries: [ANN, BO, { email: 'cy@example.com', phoneNumber: '+14155552672', channels: { email: false, sms: true } }],
    });
    expect(JSON.parse(body)).toEqual({
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: {
          custom_source: 'klaviyo-export',
          profiles: {
            data: [
              {
                type: 'profile',
                attributes: { email: 'ann@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
              },
              {
                type: 'profile',
                attributes: {
                  email: 'bo@example.com',
                  phone_number: '+14155552671',
                  subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } }, sms: { marketing: { consent: 'SUBSCRIBED' } } },
                },
              },
              {
                type: 'profile',
                attributes: {
                  email: 'cy@example.com',
                  phone_number: '+14155552672',
                  subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED' } } },
                },
              },
            ],
          },
        },
        relationships: { list: { data: { type: 'list', id: 'Y6nRLr' } } },
      },
    });
  });

  it('marks a historical import and gives every profile its consent time', () => {
    const body = JSON.parse(
      subscriptionJobBody({
        listId: 'Y6nRLr',
        historicalImport: true,
        entries: [{ ...BO, consentedAt: '2024-03-05T14:30:00.000Z' }],
      }),
    );
    expect(body.data.attributes.historical_import).toBe(true);
    expect(body.data.attributes.profiles.data[0].attributes.subscriptions).toEqual({
      email: { marketing: { consent: 'SUBSCRIBED', consented_at: '2024-03-05T14:30:00.000Z' } },
      sms: { marketing: { consent: 'SUBSCRIBED', consented_at: '2024-03-05T14:30:00.000Z' } },
    });
  });

  it.each([
    ['no profile', { historicalImport: false, entries: [] }],
    ['more than 1,000 profiles', { historicalImport: false, entries: Array.from({ length: MAX_PROFILES_PER_SUBSCRIBE + 1 }, () => ANN) }],
    ['a consent time without historical_import', { historicalImport: false, entries: [{ ...ANN, consentedAt: '2024-03-05T00:00:00Z' }] }],
    ['historical_import without a consent time', { historicalImport: true, entries: [ANN] }],
    [
      'SMS without a phone number',
      { historicalImport: false, entries: [{ email: 'x@example.com', channels: { email: false, sms: true } }] },
    ],
  ])('never builds a request Klaviyo would refuse: %s', (_name, request) => {
    expect(() => subscriptionJobBody({ listId: 'Y6nRLr', ...request })).toThrow(InternalError);
  });
});

describe('createSubscriptionJob', () => {
  it('sends the body and takes a 202 without a body as accepted', async () => {
    let received = '';
    const scope = nock(BASE_URL, { reqheaders: { 'content-type': 'application/vnd.api+json' } })
      .post(PATH)
      .reply(202, async (request: Request) => {
        received = await request.text();
        return '';
      });
    const { client } = createTestClient();

    await expect(client.createSubscriptionJob(BODY)).resolves.toEqual({ kind: 'accepted' });
    expect(received).toBe(BODY);
    expect(scope.isDone()).toBe(true);
  });

  it('stops at a missing subscriptions:write with a message naming the scope (exit 3), not retried', async () => {
    const scope = nock(BASE_URL)
      .post(PATH)
      .once()
      .reply(403, { errors: [{ status: 403, code: 'permission_denied', title: 'You do not have permission to perform this action.' }] });
    const { client } = createTestClient();

    const error = await client.createSubscriptionJob(BODY).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).exitCode).toBe(ExitCode.auth);
    expect((error as AuthError).message).toMatch(
      /^Klaviyo refused subscribing profiles \(403\): the API key lacks the scope subscriptions:write;/,
    );
    expect(scope.isDone()).toBe(true);
  });

  it('returns the refused profiles of a 400 with their pointers, not retried', async () => {
    nock(BASE_URL)
      .post(PATH)
      .once()
      .reply(400, {
        errors: [
          {
            status: 400,
            code: 'invalid',
            title: 'Invalid input.',
            detail: 'Invalid phone number format.',
            source: { pointer: '/data/attributes/profiles/data/0/attributes/phone_number' },
          },
        ],
      });
    const { client } = createTestClient();

    await expect(client.createSubscriptionJob(BODY)).resolves.toEqual({
      kind: 'invalid',
      errors: [
        {
          status: '400',
          code: 'invalid',
          title: 'Invalid input.',
          detail: 'Invalid phone number format.',
          pointer: '/data/attributes/profiles/data/0/attributes/phone_number',
        },
      ],
    });
  });

  it('retries a 429 and a 503 like every request', async () => {
    const scope = nock(BASE_URL)
      .post(PATH)
      .reply(429, '', { 'Retry-After': '3' })
      .post(PATH)
      .reply(503, { errors: [{ status: 503, code: 'service_unavailable' }] })
      .post(PATH)
      .reply(202, '');
    const { client, events } = createTestClient();

    await expect(client.createSubscriptionJob(BODY)).resolves.toEqual({ kind: 'accepted' });
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(2);
    expect(scope.isDone()).toBe(true);
  });

  it("is paced by the endpoint's published limit, 75 a second", async () => {
    nock(BASE_URL).post(PATH).times(76).reply(202, '');
    const { client, time } = createTestClient({ rateLimits: 'klaviyo' });

    for (let index = 0; index < 76; index += 1) await client.createSubscriptionJob(BODY);

    expect(time.delays).toEqual([1_000]);
  });
});
