import { inspect } from 'node:util';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError, KlaviyoApiError } from '../errors.js';
import { API_KEY, BASE_URL, createTestClient, jobDocument } from './klaviyo-client.test-support.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const JOB_PATH = '/api/profile-bulk-import-jobs/job-1';

/** nock 15.0.0 turns a plain `{ code }` object into a broken response; an Error with a code works. */
function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('retries', () => {
  it.each(['Retry-After', 'retry-after', 'RETRY-AFTER'])('waits exactly the %s of a 429, then succeeds', async (header) => {
    const scope = nock(BASE_URL)
      .get(JOB_PATH)
      .reply(429, { errors: [{ status: 429, code: 'throttled', detail: 'Request was throttled.' }] }, { [header]: '7' })
      .get(JOB_PATH)
      .reply(200, jobDocument('job-1'));
    const { client, time, events } = createTestClient();

    await expect(client.getProfileImportJob('job-1')).resolves.toMatchObject({ id: 'job-1', status: 'queued' });

    expect(time.delays).toEqual([7_000]);
    expect(events).toContainEqual({ type: 'throttled', operation: 'get_bulk_import_profiles_job', retryAfterMs: 7_000 });
    expect(client.stats()).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it('holds every caller of the operation during one shared Retry-After', async () => {
    const scope = nock(BASE_URL)
      .get(JOB_PATH)
      .reply(429, '', { 'Retry-After': '3' })
      .get(JOB_PATH)
      .times(2)
      .reply(200, jobDocument('job-1'));
    const requested: number[] = [];
    let endWait = (): void => undefined;
    const sleep = (ms: number): Promise<void> => {
      requested.push(ms);
      return new Promise((resolve) => (endWait = resolve));
    };
    const { client, events } = createTestClient({ sleep });

    const first = client.getProfileImportJob('job-1');
    await vi.waitFor(() => expect(requested).toEqual([3_000]));
    const second = client.getProfileImportJob('job-1');
    // Nothing but the shared pause holds the second caller: once pending callbacks have run, it would have sent.
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.filter((event) => event.type === 'request')).toHaveLength(1); // the second waits too

    endWait();
    await Promise.all([first, second]);
    expect(requested).toEqual([3_000]);
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    [500, '{"errors":[{"status":500,"code":"error","detail":"A server error occurred."}]}'],
    [502, '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>'],
    [503, ''],
    [504, 'Gateway Timeout'],
  ])('retries a %i with backoff, whatever its body, then succeeds', async (status, body) => {
    const scope = nock(BASE_URL)
      .get(JOB_PATH)
      .reply(status, body, { 'Content-Type': body.startsWith('<') ? 'text/html' : 'application/json' })
      .get(JOB_PATH)
      .reply(200, jobDocument('job-1'));
    const { client, time, events } = createTestClient();

    await expect(client.getProfileImportJob('job-1')).resolves.toMatchObject({ id: 'job-1' });

    expect(time.delays).toEqual([250]); // random 0.5 × 500 ms
    expect(events).toContainEqual({
      type: 'retry',
      operation: 'get_bulk_import_profiles_job',
      attempt: 1,
      delayMs: 250,
      reason: `HTTP ${status}`,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('retries a reset connection, and a reset POST, since the import is an upsert', async () => {
    const scope = nock(BASE_URL)
      .post('/api/profile-bulk-import-jobs')
      .replyWithError(networkError('ECONNRESET', 'socket hang up'))
      .post('/api/profile-bulk-import-jobs')
      .reply(202, jobDocument('job-2'));
    const { client, time } = createTestClient();

    await expect(client.createProfileImportJob('{"data":{}}')).resolves.toMatchObject({ kind: 'accepted', job: { id: 'job-2' } });
    expect(time.delays).toEqual([250]);
    expect(scope.isDone()).toBe(true);
  });

  it('retries a request that outlives its timeout', async () => {
    const scope = nock(BASE_URL).get(JOB_PATH).delay(500).reply(200, jobDocument('late')).get(JOB_PATH).reply(200, jobDocument('job-1'));
    const { client, events } = createTestClient({ timeoutMs: 20 });

    await expect(client.getProfileImportJob('job-1')).resolves.toMatchObject({ id: 'job-1' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'ETIMEDOUT' }));
    expect(scope.isDone()).toBe(true);
  });

  it('gives up after maxRetries with a Klaviyo API error that counts the attempts', async () => {
    nock(BASE_URL)
      .get(JOB_PATH)
      .times(4)
      .reply(503, { errors: [{ status: 503, code: 'error', detail: 'Service unavailable.' }] });
    const { client, time } = createTestClient({ maxRetries: 3 });

    const error = await client.getProfileImportJob('job-1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(KlaviyoApiError);
    expect(error).toMatchObject({ status: 503, attempts: 4, method: 'GET', path: JOB_PATH, exitCode: 1 });
    expect((error as Error).message).toBe(
      `Klaviyo failed reading the import job: GET ${JOB_PATH} answered 503 after 4 attempts: Service unavailable.`,
    );
    expect(time.delays).toEqual([250, 500, 1_000]);
  });

  it('gives up on an unreachable server with a message that names the error code', async () => {
    nock(BASE_URL).get(JOB_PATH).times(3).replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4010'));
    const { client } = createTestClient();

    await expect(client.getProfileImportJob('job-1')).rejects.toThrow(
      `Could not reach Klaviyo for reading the import job: GET ${JOB_PATH} failed with ECONNREFUSED after 3 attempts.`,
    );
  });
});

describe('pacing', () => {
  it('paces an 11th import request in the same second instead of leaning on 429s', async () => {
    nock(BASE_URL).get(JOB_PATH).times(11).reply(200, jobDocument('job-1'));
    const { client, time } = createTestClient({ rateLimits: 'klaviyo' });

    for (let i = 0; i < 11; i += 1) await client.getProfileImportJob('job-1');

    expect(time.delays).toEqual([1_000]);
  });
});

describe("an edge's page is not Klaviyo's answer", () => {
  const CHALLENGE = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge</body></html>';

  it('retries a CDN challenge (403 text/html, cf-mitigated: challenge) with backoff, then succeeds', async () => {
    const scope = nock(BASE_URL)
      .get(JOB_PATH)
      .times(2)
      .reply(403, CHALLENGE, { 'Content-Type': 'text/html', 'cf-mitigated': 'challenge' })
      .get(JOB_PATH)
      .reply(200, jobDocument('job-1'));
    const { client, time } = createTestClient();

    await expect(client.getProfileImportJob('job-1')).resolves.toMatchObject({ id: 'job-1' });

    expect(time.delays).toEqual([250, 500]);
    expect(scope.isDone()).toBe(true);
  });

  it('still stops at once on a JSON:API permission_denied 403', async () => {
    const scope = nock(BASE_URL)
      .get(JOB_PATH)
      .reply(403, { errors: [{ status: '403', code: 'permission_denied', detail: 'Missing scopes.' }] });
    const { client } = createTestClient();

    await expect(client.getProfileImportJob('job-1')).rejects.toBeInstanceOf(AuthError);
    expect(scope.isDone()).toBe(true);
  });

  it('ends, after the retries, as a failed request (exit 1), never as a key error', async () => {
    nock(BASE_URL).get(JOB_PATH).times(3).reply(403, CHALLENGE, { 'Content-Type': 'text/html', 'cf-mitigated': 'challenge' });
    const { client } = createTestClient({ maxRetries: 2 });

    const error = await client.getProfileImportJob('job-1').catch((caught: unknown) => caught);

    expect(error).not.toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ exitCode: 1, status: 403, attempts: 3 });
  });
});

describe('the API key never leaks', () => {
  const failures: Array<[string, () => void]> = [
    [
      'a 401',
      () =>
        nock(BASE_URL)
          .get(JOB_PATH)
          .reply(401, { errors: [{ detail: `bad key ${API_KEY}` }] }),
    ],
    ['an exhausted 500', () => nock(BASE_URL).get(JOB_PATH).times(2).reply(500, `<html>${API_KEY}</html>`)],
    ['a network error', () => nock(BASE_URL).get(JOB_PATH).times(2).replyWithError(networkError('ECONNRESET', 'read ECONNRESET'))],
    ['an unknown network error', () => nock(BASE_URL).get(JOB_PATH).replyWithError('boom')],
    ['an unreadable answer', () => nock(BASE_URL).get(JOB_PATH).reply(200, '{"data":null}')],
  ];

  it.each(failures)('from %s', async (_label, arrange) => {
    arrange();
    const { client, events } = createTestClient({ maxRetries: 1 });

    const error = await client.getProfileImportJob('job-1').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    const exposed = [
      inspect(error, { depth: Infinity, showHidden: true }),
      JSON.stringify(error),
      JSON.stringify(Object.getOwnPropertyNames(error).map((name) => (error as Record<string, unknown>)[name])),
      String((error as Error).stack),
      JSON.stringify(events),
    ];
    for (const text of exposed) expect(text).not.toContain(API_KEY);
    expect(error).not.toHaveProperty('config');
    expect(error).not.toHaveProperty('request');
  });
});

describe('abort', () => {
  it('rejects promptly with the signal reason while waiting out a Retry-After', async () => {
    nock(BASE_URL).get(JOB_PATH).reply(429, '', { 'Retry-After': '30' });
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const { client } = createTestClient({
      signal: controller.signal,
      sleep: undefined, // the real, abortable sleep
      onEvent: (event) => {
        // The pause starts right after this event: the abort comes while it waits. Were the sleep
        // deaf to it, the call would wait 30 s and then fail otherwise (nock has no second reply).
        if (event.type === 'throttled') queueMicrotask(() => controller.abort(reason));
      },
    });

    await expect(client.getProfileImportJob('job-1')).rejects.toBe(reason);
  });

  it('cancels a request in flight', async () => {
    const scope = nock(BASE_URL).get(JOB_PATH).delay(10_000).reply(200, jobDocument('job-1'));
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const { client } = createTestClient({ signal: controller.signal });
    // Aborted once nock holds the request; not cancelled, it would resolve 10 s later.
    scope.on('request', () => controller.abort(reason));

    await expect(client.getProfileImportJob('job-1')).rejects.toBe(reason);
  });
});
