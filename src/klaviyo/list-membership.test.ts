import { KlaviyoRequestError } from '../errors.js';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { BASE_URL, collect, createTestClient } from './klaviyo-client.test-support.js';
import { MAX_PROFILES_PER_REMOVAL } from './list-membership.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const RELATIONSHIP_PATH = '/api/lists/Xy12/relationships/profiles';

describe('removeProfilesFromList', () => {
  it('sends the ids as a JSON:API body and accepts 204', async () => {
    let received: unknown;
    const scope = nock(BASE_URL, { reqheaders: { 'content-type': 'application/vnd.api+json' } })
      .delete(RELATIONSHIP_PATH)
      .reply(204, async (request: Request) => {
        received = await request.json();
        return '';
      });
    const { client } = createTestClient();

    await client.removeProfilesFromList('Xy12', ['P1', 'P2']);

    expect(received).toEqual({
      data: [
        { type: 'profile', id: 'P1' },
        { type: 'profile', id: 'P2' },
      ],
    });
    expect(scope.isDone()).toBe(true);
  });

  it('sends nothing for no id, and refuses more than 1,000 before sending', async () => {
    const { client, events } = createTestClient();

    await client.removeProfilesFromList('Xy12', []);
    const tooMany = Array.from({ length: MAX_PROFILES_PER_REMOVAL + 1 }, (_, index) => `P${index}`);
    await expect(client.removeProfilesFromList('Xy12', tooMany)).rejects.toThrow(RangeError);
    expect(events).toEqual([]);
  });

  it('retries a 503 and a dropped connection, then succeeds', async () => {
    const scope = nock(BASE_URL)
      .delete(RELATIONSHIP_PATH)
      .reply(503, { errors: [] })
      .delete(RELATIONSHIP_PATH)
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
      .delete(RELATIONSHIP_PATH)
      .reply(204);
    const { client, events } = createTestClient();

    await client.removeProfilesFromList('Xy12', ['P1']);

    expect(scope.isDone()).toBe(true);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(2);
  });

  it('fails with the answer after the retries are spent, without retrying a 400', async () => {
    const scope = nock(BASE_URL)
      .delete(RELATIONSHIP_PATH)
      .once()
      .reply(400, { errors: [{ code: 'invalid', detail: 'Invalid profile id.' }] });
    const { client } = createTestClient();

    const error = await client.removeProfilesFromList('Xy12', ['P1']).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KlaviyoRequestError);
    expect((error as Error).message).toBe(
      'Klaviyo failed removing profiles from the list: DELETE /api/lists/Xy12/relationships/profiles answered 400: Invalid profile id.',
    );
    expect(scope.isDone()).toBe(true);
  });

  it('is paced by its own limit, 10 a second', async () => {
    nock(BASE_URL).delete(RELATIONSHIP_PATH).times(11).reply(204);
    const { client, time } = createTestClient({ rateLimits: 'klaviyo' });

    for (let i = 0; i < 11; i += 1) await client.removeProfilesFromList('Xy12', ['P1']);

    expect(time.delays).toEqual([1_000]);
  });
});

describe('listMembers', () => {
  it('reads every page of members, 100 at a time, with only their email', async () => {
    const scope = nock(BASE_URL)
      .get('/api/lists/Xy12/profiles')
      .query({ 'fields[profile]': 'email', 'page[size]': '100' })
      .reply(200, {
        data: [
          { type: 'profile', id: 'P1', attributes: { email: 'Ana@Example.com' } },
          { type: 'profile', id: 'P2', attributes: { email: null } },
        ],
        links: { next: `https://elsewhere.example/api/lists/Xy12/profiles?page%5Bcursor%5D=n2` },
      })
      .get('/api/lists/Xy12/profiles')
      .query({ 'page[cursor]': 'n2' })
      .reply(200, { data: [{ type: 'profile', id: 'P3', attributes: { email: 'cy@example.com' } }], links: { next: null } });
    const { client } = createTestClient();

    const pages = await collect(client.listMembers('Xy12'));

    expect(pages).toEqual([
      [
        { profileId: 'P1', email: 'ana@example.com' },
        { profileId: 'P2', email: undefined },
      ],
      [{ profileId: 'P3', email: 'cy@example.com' }],
    ]);
    expect(scope.isDone()).toBe(true);
  });
});

describe('countListMembers', () => {
  it('asks for profile_count, paced by its own limit of 1 a second', async () => {
    const scope = nock(BASE_URL)
      .get('/api/lists/Xy12')
      .query({ 'additional-fields[list]': 'profile_count', 'fields[list]': 'profile_count' })
      .times(2)
      .reply(200, { data: { type: 'list', id: 'Xy12', attributes: { profile_count: 1234 } } });
    const { client, time } = createTestClient({ rateLimits: 'klaviyo' });

    await expect(client.countListMembers('Xy12')).resolves.toBe(1234);
    await expect(client.countListMembers('Xy12')).resolves.toBe(1234);

    expect(time.delays).toEqual([1_000]);
    expect(scope.isDone()).toBe(true);
  });
});
