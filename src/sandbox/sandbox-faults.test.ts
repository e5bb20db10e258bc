import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from './sandbox-server.js';

const HEADERS = {
  Authorization: 'Klaviyo-API-Key pk_sandbox_0000000000000000000000000000',
  revision: '2026-07-15',
  'Content-Type': 'application/vnd.api+json',
};
const IMPORT_BODY = JSON.stringify({
  data: {
    type: 'profile-bulk-import-job',
    attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'a@example.com' } }] } },
    relationships: { lists: { data: [{ type: 'list', id: 'Y6nRLr' }] } },
  },
});

const started: SandboxHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
});

async function start(options: SandboxOptions): Promise<SandboxHandle> {
  const sandbox = await startSandbox(options);
  started.push(sandbox);
  return sandbox;
}

async function statusesOf(url: string, count: number): Promise<(number | 'dropped')[]> {
  const statuses: (number | 'dropped')[] = [];
  for (let index = 0; index < count; index += 1) {
    const status = await fetch(`${url}/api/lists`, { headers: HEADERS }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 'dropped' as const,
    );
    statuses.push(status);
  }
  return statuses;
}

describe('rate limits', () => {
  it('throttles past the burst with 429 throttled and Retry-After, and sends RateLimit headers otherwise', async () => {
    const { url } = await start({});
    const first = await fetch(`${url}/api/accounts`, { headers: HEADERS });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('15');
    expect(first.headers.get('ratelimit-remaining')).toBe('14');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);

    const second = await fetch(`${url}/api/accounts`, { headers: HEADERS });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(second.headers.get('ratelimit-limit')).toBeNull();
    expect(((await second.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('throttled');
  });

  it('allows 10 imports in a second and throttles the eleventh', async () => {
    const sandbox = await start({});
    const statuses: number[] = [];
    for (let index = 0; index < 11; index += 1) {
      const response = await fetch(`${sandbox.url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body: IMPORT_BODY });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(202), 429]);
    expect(sandbox.stats()).toMatchObject({ throttled: 1, jobsCreated: 10 });
  });

  it('throttles every request with throttleAll', async () => {
    const { url } = await start({ faults: { throttleAll: true } });
    const response = await fetch(`${url}/api/lists`, { headers: HEADERS });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
  });
});

describe('faults', () => {
  it('injects the same faults for the same seed', async () => {
    const faults = { seed: 42, serverErrorRate: 0.3, dropBeforeRate: 0.2 };
    const first = await statusesOf((await start({ rateLimits: 'off', faults })).url, 30);
    const second = await statusesOf((await start({ rateLimits: 'off', faults })).url, 30);
    expect(second).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain('dropped');
    expect(first.some((status) => typeof status === 'number' && status >= 500)).toBe(true);
    const other = await statusesOf((await start({ rateLimits: 'off', faults: { ...faults, seed: 7 } })).url, 30);
    expect(other).not.toEqual(first);
  });

  it('answers 502 as an HTML page like a CDN', async () => {
    const sandbox = await start({ rateLimits: 'off', faults: { seed: 1, serverErrorRate: 1 } });
    for (let index = 0; index < 20; index += 1) {
      const response = await fetch(`${sandbox.url}/api/lists`, { headers: HEADERS });
      if (response.status !== 502) continue;
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('502 Bad Gateway');
      return;
    }
    throw new Error('no 502 in 20 requests');
  });

  it('applies a dropped-after request: the job exists though no response came', async () => {
    const sandbox = await start({
      rateLimits: 'off',
      faults: { dropAfterRate: 1 },
      jobProcessing: { queuedMs: 0, profilesPerSecond: 1e6 },
    });
    await expect(
      fetch(`${sandbox.url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body: IMPORT_BODY }),
    ).rejects.toThrow();
    expect(sandbox.stats()).toMatchObject({ jobsCreated: 1, faultsInjected: 1 });
    // The job ends by the sandbox's clock: move it a second on instead of waiting.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.advanceTimersByTime(1_000);
      expect(sandbox.listMemberEmails('Y6nRLr')).toEqual(['a@example.com']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a dropped-before request without applying it', async () => {
    const sandbox = await start({ rateLimits: 'off', faults: { dropBeforeRate: 1 } });
    await expect(
      fetch(`${sandbox.url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body: IMPORT_BODY }),
    ).rejects.toThrow();
    expect(sandbox.stats()).toMatchObject({ jobsCreated: 0, faultsInjected: 1 });
  });
});

describe('faults the docs leave open', () => {
  const importBody = (emails: string[]) =>
    JSON.stringify({
      data: {
        type: 'profile-bulk-import-job',
        attributes: { profiles: { data: emails.map((email) => ({ type: 'profile', attributes: { email } })) } },
        relationships: { lists: { data: [{ type: 'list', id: 'Y6nRLr' }] } },
      },
    });
  const post = (url: string, emails: string[]) =>
    fetch(`${url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body: importBody(emails) });
  const EMAILS = ['ok0@example.com', 'Bad1@example.com', 'ok2@example.com', 'bad3@example.com'];

  it('answers some requests with a CDN challenge page: 403, text/html, cf-mitigated: challenge', async () => {
    const sandbox = await start({ rateLimits: 'off', faults: { seed: 3, cdnChallengeRate: 0.5 } });
    const statuses = await statusesOf(sandbox.url, 40);
    expect(statuses.filter((status) => status === 403).length).toBeGreaterThan(5);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(5);
    const challenged = await start({ rateLimits: 'off', faults: { cdnChallengeRate: 1 } });
    const response = await fetch(`${challenged.url}/api/lists`, { headers: HEADERS });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cf-mitigated')).toBe('challenge');
    expect(await response.text()).toContain('Just a moment');
  });

  it.each([
    ['first', ['/data/attributes/profiles/data/1/attributes/email']],
    ['all', ['/data/attributes/profiles/data/1/attributes/email', '/data/attributes/profiles/data/3/attributes/email']],
    ['none', ['/data']],
  ] as const)('refuses a bulk import holding refused emails with 400 naming %s of them', async (refuseEmailsAs, pointers) => {
    const sandbox = await start({ rateLimits: 'off', faults: { refuseEmails: ['bad1@example.com', 'BAD3@example.com'], refuseEmailsAs } });
    const refused = await post(sandbox.url, EMAILS);
    expect(refused.status).toBe(400);
    const { errors } = (await refused.json()) as { errors: { code: string; source: { pointer: string } }[] };
    expect(errors.map((error) => error.source.pointer)).toEqual(pointers);
    expect(errors.every((error) => error.code === 'invalid')).toBe(true);
    expect((await post(sandbox.url, ['ok0@example.com'])).status).toBe(202);
    expect(sandbox.stats().jobsCreated).toBe(1);
  });

  it('surfaces refused emails as import errors instead, with a pointer that is only /data when asked', async () => {
    const sandbox = await start({
      rateLimits: 'off',
      jobProcessing: { queuedMs: 0, profilesPerSecond: 1e6 },
      faults: { refuseEmails: ['bad1@example.com'], refuseEmailsAs: 'import-errors', importErrorPointer: 'data' },
    });
    const accepted = await post(sandbox.url, EMAILS);
    expect(accepted.status).toBe(202);
    const { data } = (await accepted.json()) as { data: { id: string } };
    await new Promise((resolve) => setTimeout(resolve, 5));
    const page = await fetch(`${sandbox.url}/api/profile-bulk-import-jobs/${data.id}/import-errors`, { headers: HEADERS });
    const errors = ((await page.json()) as { data: { attributes: { source: { pointer: string }; original_payload: { email: string } } }[] })
      .data;
    expect(errors.map((error) => [error.attributes.source.pointer, error.attributes.original_payload.email])).toEqual([
      ['/data', 'Bad1@example.com'],
    ]);
    expect(sandbox.listMemberEmails('Y6nRLr').sort()).toEqual(['bad3@example.com', 'ok0@example.com', 'ok2@example.com']);
  });

  it('reports a status the spec does not name until the job is final', async () => {
    const sandbox = await start({
      rateLimits: 'off',
      jobProcessing: { queuedMs: 50, profilesPerSecond: 1e6 },
      faults: { unknownJobStatus: 'validating' },
    });
    const { data } = (await (await post(sandbox.url, ['a@example.com'])).json()) as {
      data: { id: string; attributes: { status: string } };
    };
    expect(data.attributes.status).toBe('validating');
    await new Promise((resolve) => setTimeout(resolve, 80));
    const job = await fetch(`${sandbox.url}/api/profile-bulk-import-jobs/${data.id}`, { headers: HEADERS });
    expect(((await job.json()) as { data: { attributes: { status: string } } }).data.attributes.status).toBe('complete');
  });
});

describe('close', () => {
  it('closes the server, a connection waiting on injected latency, and its timer', async () => {
    const countResources = (name: string) => process.getActiveResourcesInfo().filter((resource) => resource === name).length;
    const sandbox = await startSandbox({ rateLimits: 'off', faults: { latencyMs: 60_000 } });
    const pending = fetch(`${sandbox.url}/api/lists`, { headers: HEADERS }).catch((error: unknown) => error);
    while (sandbox.stats().requests.get_lists !== 1) await new Promise((resolve) => setImmediate(resolve));
    // Were close to wait for the latency, the test would outlast its timeout.
    await sandbox.close();
    expect(await pending).toBeInstanceOf(Error);
    await new Promise((resolve) => setImmediate(resolve));
    expect(countResources('TCPServerWrap')).toBe(0);
    expect(countResources('TCPSocketWrap')).toBe(0);
    await expect(fetch(`${sandbox.url}/api/lists`, { headers: HEADERS })).rejects.toThrow();
  });
});
