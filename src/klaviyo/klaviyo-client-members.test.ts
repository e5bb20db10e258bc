import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, createTestClient } from './klaviyo-client.test-support.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function member(id: string, email: string, extra: object = {}) {
  return { type: 'profile', id, attributes: { email, ...extra } };
}

describe('findListMembers', () => {
  it('asks for the emails with one any() filter, 100 a page, and follows the next link', async () => {
    const queries: URLSearchParams[] = [];
    const scope = nock(BASE_URL)
      .get('/api/lists/Xy12/profiles')
      .query(true)
      // nock 15 hands reply functions the fetch Request.
      .reply(200, (request: Request) => {
        queries.push(new URL(request.url).searchParams);
        return {
          data: [member('p1', 'ann@example.com', { first_name: 'Ann' })],
          links: { next: `${BASE_URL}/api/lists/Xy12/profiles?page%5Bcursor%5D=b2Zmc2V0OjE` },
        };
      })
      .get('/api/lists/Xy12/profiles')
      .query({ 'page[cursor]': 'b2Zmc2V0OjE' })
      .reply(200, { data: [member('p2', "o'neil@example.com")], links: { next: null } });
    const { client } = createTestClient();

    const members = await client.findListMembers('Xy12', ['ann@example.com', "o'neil@example.com"], ['first_name']);

    expect(members).toEqual([
      { id: 'p1', email: 'ann@example.com', attributes: { email: 'ann@example.com', first_name: 'Ann' } },
      { id: 'p2', email: "o'neil@example.com", attributes: { email: "o'neil@example.com" } },
    ]);
    expect(queries[0]?.get('filter')).toBe('any(email,["ann@example.com","o\'neil@example.com"])');
    expect(queries[0]?.get('page[size]')).toBe('100');
    expect(queries[0]?.get('fields[profile]')).toBe('email,first_name');
    expect(scope.isDone()).toBe(true);
  });

  it('refuses more than 100 emails without sending anything, and sends nothing for none', async () => {
    const { client, events } = createTestClient();
    const emails = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`);
    await expect(client.findListMembers('Xy12', emails)).rejects.toThrow(/at most 100/);
    await expect(client.findListMembers('Xy12', [])).resolves.toEqual([]);
    expect(events).toEqual([]);
  });
});
