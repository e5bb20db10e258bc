import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, KlaviyoRequestError } from '../errors.js';
import { KLAVIYO_REVISION } from './klaviyo-client.js';
import { API_KEY, BASE_URL, collect, createTestClient, jobDocument } from './klaviyo-client.test-support.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const IMPORT_BODY =
  '{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[{"type":"profile","attributes":{"email":"ana@example.com"}}]}},"relationships":{"lists":{"data":[{"type":"list","id":"Xy12"}]}}}}';

describe('requests', () => {
  it('sends the key, revision, JSON:API headers and user agent, and the body byte for byte', async () => {
    let receivedBody: unknown;
    const scope = nock(BASE_URL, {
      reqheaders: {
        authorization: `Klaviyo-API-Key ${API_KEY}`,
        revision: KLAVIYO_REVISION,
        accept: 'application/vnd.api+json',
        'content-type': 'application/vnd.api+json',
        'user-agent': 'klaviyo-export/0.1.0',
      },
    })
      .matchHeader('content-length', String(Buffer.byteLength(IMPORT_BODY)))
      .post('/api/profile-bulk-import-jobs')
      // nock 15 hands reply functions the fetch Request.
      .reply(202, async (request: Request) => {
        receivedBody = await request.text();
        return jobDocument('job-1');
      });
    const { client } = createTestClient();

    const result = await client.createProfileImportJob(IMPORT_BODY);

    expect(result).toEqual({
      kind: 'accepted',
      job: { id: 'job-1', status: 'queued', totalCount: 3, completedCount: 0, failedCount: 0, createdAt: '2026-07-20T12:00:00+00:00' },
    });
    expect(receivedBody).toBe(IMPORT_BODY);
    expect(scope.isDone()).toBe(true);
  });

  it('sends no Content-Type on a GET and uses the revision it is given', async () => {
    const scope = nock(BASE_URL, { badheaders: ['content-type'], reqheaders: { revision: '2025-01-15' } })
      .get('/api/lists/Xy12')
      .reply(200, { data: { type: 'list', id: 'Xy12', attributes: { name: 'Newsletter', created: '2024-01-01T00:00:00+00:00' } } });
    const { client } = createTestClient({ revision: '2025-01-15' });

    await expect(client.getList('Xy12')).resolves.toEqual({ id: 'Xy12', name: 'Newsletter', created: '2024-01-01T00:00:00+00:00' });
    expect(scope.isDone()).toBe(true);
  });
});

describe('createProfileImportJob', () => {
  it('returns the refused profiles of a 400 without retrying it', async () => {
    const scope = nock(BASE_URL)
      .post('/api/profile-bulk-import-jobs')
      .once()
      .reply(400, {
        errors: [
          {
            status: 400,
            code: 'invalid',
            title: 'Invalid input.',
            detail: "'colour' is not a valid field for the resource 'profile'.",
            source: { pointer: '/data/attributes/profiles/data/7/attributes/colour' },
          },
        ],
      });
    const { client, time } = createTestClient();

    const result = await client.createProfileImportJob(IMPORT_BODY);

    expect(result).toEqual({
      kind: 'invalid',
      errors: [
        {
          status: '400',
          code: 'invalid',
          title: 'Invalid input.',
          detail: "'colour' is not a valid field for the resource 'profile'.",
          pointer: '/data/attributes/profiles/data/7/attributes/colour',
        },
      ],
    });
    expect(time.delays).toEqual([]);
    expect(client.stats().requests).toBe(1);
    expect(scope.isDone()).toBe(true);
  });

  it('reports a 413 as a Klaviyo API error, not retried', async () => {
    nock(BASE_URL).post('/api/profile-bulk-import-jobs').reply(413, 'Request Entity Too Large');
    const { client } = createTestClient();

    const error = await client.createProfileImportJob(IMPORT_BODY).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KlaviyoRequestError);
    expect(error).toMatchObject({ status: 413, method: 'POST', path: '/api/profile-bulk-import-jobs', attempts: 1 });
  });

  it('names the scopes the push needs when the key lacks them', async () => {
    nock(BASE_URL)
      .post('/api/profile-bulk-import-jobs')
      .reply(403, { errors: [{ status: 403, code: 'permission_denied' }] });
    const { client } = createTestClient();

    await expect(client.createProfileImportJob(IMPORT_BODY)).rejects.toThrow(/lists:write, profiles:write/);
  });
});

describe('getList', () => {
  it.each([
    [
      'a JSON:API 403 with another code',
      { errors: [{ status: 403, code: 'account_disabled', detail: 'Disabled.' }] },
      /answered 403: Disabled/,
    ],
    ['a 401 without a JSON:API error', '<html>Unauthorized</html>', /answered 401 after 2 attempts: a page that is not from Klaviyo's API/],
  ])('does not call %s a key or scope error', async (_label, body, message) => {
    nock(BASE_URL)
      .get('/api/lists/Xy12')
      .times(2)
      .reply(body === '<html>Unauthorized</html>' ? 401 : 403, body);
    const { client } = createTestClient({ maxRetries: 1 });

    const error = await client.getList('Xy12').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KlaviyoRequestError);
    expect((error as KlaviyoRequestError).exitCode).toBe(1);
    expect((error as KlaviyoRequestError).message).toMatch(message);
  });

  it.each([
    [
      401,
      'not_authenticated',
      'Klaviyo refused the API key (401): check KLAVIYO_API_KEY (or --api-key); it must be a private key of this account.',
    ],
    [401, 'authentication_failed', /^Klaviyo refused the API key \(401\)/],
    [403, 'permission_denied', /^Klaviyo refused reading the list \(403\): the API key lacks the scope lists:read/],
    [404, 'not_found', 'List Xy12 does not exist in this Klaviyo account.'],
  ])('turns %i %s into an AuthError that says what to fix', async (status, code, message) => {
    nock(BASE_URL)
      .get('/api/lists/Xy12')
      .reply(status, { errors: [{ status, code, detail: 'refused' }] });
    const { client } = createTestClient();

    const error = await client.getList('Xy12').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).exitCode).toBe(3);
    expect((error as AuthError).message).toMatch(message);
  });
});

describe('getAccount and getProfileImportJob', () => {
  it('refuses an account page without an account', async () => {
    nock(BASE_URL).get('/api/accounts').reply(200, { data: [] });
    await expect(createTestClient().client.getAccount()).rejects.toBeInstanceOf(KlaviyoRequestError);
  });

  it('reads the account name', async () => {
    nock(BASE_URL)
      .get('/api/accounts')
      .reply(200, { data: [{ type: 'account', id: 'AbC123', attributes: { contact_information: { organization_name: 'Acme' } } }] });
    await expect(createTestClient().client.getAccount()).resolves.toEqual({ id: 'AbC123', name: 'Acme' });
  });

  it('reads a finished job with its counts', async () => {
    nock(BASE_URL).get('/api/profile-bulk-import-jobs/job-9').reply(200, jobDocument('job-9', 'complete'));
    await expect(createTestClient().client.getProfileImportJob('job-9')).resolves.toEqual({
      id: 'job-9',
      status: 'complete',
      totalCount: 3,
      completedCount: 2,
      failedCount: 1,
      createdAt: '2026-07-20T12:00:00+00:00',
      completedAt: '2026-07-20T12:01:00+00:00',
    });
  });

  it('keeps a status the spec does not name, so that the job is still followed', async () => {
    nock(BASE_URL)
      .get('/api/profile-bulk-import-jobs/job-9')
      .reply(200, { data: { id: 'job-9', attributes: { status: 'validating', total_count: 3 } } });
    await expect(createTestClient().client.getProfileImportJob('job-9')).resolves.toMatchObject({ id: 'job-9', status: 'validating' });
  });

  it('reads one page of import jobs with page[size] within the spec', async () => {
    const scope = nock(BASE_URL)
      .get('/api/profile-bulk-import-jobs')
      .query({ 'page[size]': '1' })
      .reply(200, { data: [(jobDocument('job-1') as { data: object }).data], links: { next: null } });
    await expect(createTestClient().client.listRecentImportJobs(1)).resolves.toMatchObject([{ id: 'job-1', status: 'queued' }]);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses an answer it cannot read with a Klaviyo API error', async () => {
    nock(BASE_URL)
      .get('/api/profile-bulk-import-jobs/job-9')
      .reply(200, { data: { id: 'job-9', attributes: { status: 42 } } });
    await expect(createTestClient().client.getProfileImportJob('job-9')).rejects.toThrow(
      /GET \/api\/profile-bulk-import-jobs\/job-9 with 200 and a body this client cannot read/,
    );
  });
});

describe('paging', () => {
  const errorItem = (id: string, index: number): object => ({
    type: 'import-error',
    id,
    attributes: {
      code: 'invalid',
      title: 'Invalid email',
      detail: 'Invalid email address',
      source: { pointer: `/data/attributes/profiles/data/${index}/attributes/email` },
      original_payload: { email: `bad${index}` },
    },
  });

  it('reads every page of import errors, 100 at a time', async () => {
    const path = '/api/profile-bulk-import-jobs/job-1/import-errors';
    const scope = nock(BASE_URL)
      .get(path)
      .query({ 'page[size]': '100' })
      .reply(200, { data: [errorItem('e1', 1)], links: { self: 'x', next: `${BASE_URL}${path}?page%5Bcursor%5D=c2&page%5Bsize%5D=100` } })
      .get(path)
      .query({ 'page[cursor]': 'c2', 'page[size]': '100' })
      .reply(200, { data: [errorItem('e2', 5)], links: { self: 'x', next: `${BASE_URL}${path}?page%5Bcursor%5D=c3&page%5Bsize%5D=100` } })
      .get(path)
      .query({ 'page[cursor]': 'c3', 'page[size]': '100' })
      .reply(200, { data: [errorItem('e3', 9)], links: { self: 'x', next: null } });
    const { client } = createTestClient();

    const items = await collect(client.listImportErrors('job-1'));

    expect(items.map((item) => item.id)).toEqual(['e1', 'e2', 'e3']);
    expect(items[1]).toEqual({
      id: 'e2',
      code: 'invalid',
      title: 'Invalid email',
      detail: 'Invalid email address',
      pointer: '/data/attributes/profiles/data/5/attributes/email',
      originalPayload: { email: 'bad5' },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('follows the lists cursor with the name filter, and only on the configured host', async () => {
    const list = (id: string): object => ({ type: 'list', id, attributes: { name: 'VIP "gold"' } });
    const scope = nock(BASE_URL)
      .get('/api/lists')
      .query({ 'page[size]': '10', filter: 'equals(name,"VIP \\"gold\\"")' })
      .reply(200, { data: [list('L1')], links: { self: 'x', next: 'https://a.klaviyo.com/api/lists?page%5Bcursor%5D=n2' } })
      .get('/api/lists')
      .query({ 'page[cursor]': 'n2' })
      .reply(200, { data: [list('L2')], links: { self: 'x' } });
    const { client } = createTestClient();

    const lists = await collect(client.listLists({ name: 'VIP "gold"' }));

    expect(lists).toEqual([
      { id: 'L1', name: 'VIP "gold"' },
      { id: 'L2', name: 'VIP "gold"' },
    ]);
    expect(scope.isDone()).toBe(true);
  });
});
