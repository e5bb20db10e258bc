import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../errors.js';
import { BASE_URL, createTestClient } from './klaviyo-client.test-support.js';
import { emailFilter, MAX_EMAILS_PER_FILTER } from './email-filter.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function profile(id: string, email: string | null) {
  return { type: 'profile', id, attributes: { email }, links: { self: `${BASE_URL}/api/profiles/${id}/` } };
}

describe('emailFilter', () => {
  it.each([
    [['ana@example.com'], 'any(email,["ana@example.com"])'],
    [['a@x.io', 'b@y.io'], 'any(email,["a@x.io","b@y.io"])'],
    [['o"brien@x.io'], 'any(email,["o\\"brien@x.io"])'],
  ])('%j -> %s', (emails, expected) => {
    expect(emailFilter(emails)).toBe(expected);
  });
});

describe('findProfileIdsByEmail', () => {
  it('asks for the emails, only their email field and 100 a page, and follows the next page', async () => {
    const emails = ['ana@example.com', 'bo@example.com', 'cy@example.com'];
    const scope = nock(BASE_URL)
      .get('/api/profiles')
      .query({ filter: emailFilter(emails), 'fields[profile]': 'email', 'page[size]': '100' })
      .reply(200, { data: [profile('P1', 'Ana@Example.com')], links: { next: `${BASE_URL}/api/profiles?page%5Bcursor%5D=abc` } })
      .get('/api/profiles')
      .query({ 'page[cursor]': 'abc' })
      .reply(200, { data: [profile('P2', 'bo@example.com')], links: { next: null } });
    const { client } = createTestClient();

    await expect(client.findProfileIdsByEmail(emails)).resolves.toEqual([
      { email: 'ana@example.com', profileId: 'P1' },
      { email: 'bo@example.com', profileId: 'P2' },
    ]);
    expect(scope.isDone()).toBe(true);
  });

  it('ignores profiles it did not ask about and profiles without an email', async () => {
    nock(BASE_URL)
      .get('/api/profiles')
      .query(true)
      .reply(200, { data: [profile('P9', 'someone-else@example.com'), profile('P8', null)], links: {} });
    const { client } = createTestClient();

    await expect(client.findProfileIdsByEmail(['ana@example.com'])).resolves.toEqual([]);
  });

  it('sends nothing for no email, and refuses more than 100 before sending', async () => {
    const { client, events } = createTestClient();

    await expect(client.findProfileIdsByEmail([])).resolves.toEqual([]);
    const tooMany = Array.from({ length: MAX_EMAILS_PER_FILTER + 1 }, (_, index) => `p${index}@example.com`);
    await expect(client.findProfileIdsByEmail(tooMany)).rejects.toThrow(RangeError);
    expect(events).toEqual([]);
  });

  it('is retried after a 429, honouring Retry-After', async () => {
    const scope = nock(BASE_URL)
      .get('/api/profiles')
      .query(true)
      .reply(429, { errors: [{ code: 'throttled' }] }, { 'Retry-After': '3' })
      .get('/api/profiles')
      .query(true)
      .reply(200, { data: [profile('P1', 'ana@example.com')] });
    const { client, time } = createTestClient();

    await expect(client.findProfileIdsByEmail(['ana@example.com'])).resolves.toHaveLength(1);
    expect(time.delays).toEqual([3_000]);
    expect(scope.isDone()).toBe(true);
  });

  it('is paced by its own limit, 75 a second, apart from the bulk import', async () => {
    nock(BASE_URL).get('/api/profiles').query(true).times(76).reply(200, { data: [] });
    const { client, time } = createTestClient({ rateLimits: 'klaviyo' });

    for (let i = 0; i < 76; i += 1) await client.findProfileIdsByEmail(['ana@example.com']);

    expect(time.delays).toEqual([1_000]);
  });

  it('names the missing scope on a 403', async () => {
    nock(BASE_URL)
      .get('/api/profiles')
      .query(true)
      .reply(403, { errors: [{ code: 'permission_denied', detail: 'missing scope' }] });
    const { client } = createTestClient();

    const error = await client.findProfileIdsByEmail(['ana@example.com']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain('profiles:read');
  });
});
