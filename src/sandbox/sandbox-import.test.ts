import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from './sandbox-server.js';

const KEY = 'pk_sandbox_0000000000000000000000000000';
const HEADERS = {
  Authorization: `Klaviyo-API-Key ${KEY}`,
  revision: '2026-07-15',
  'Content-Type': 'application/vnd.api+json',
};

interface JobDocument {
  data: {
    id: string;
    type: string;
    attributes: { status: string; total_count: number; completed_count: number; failed_count: number; expires_at: string };
    relationships: { lists: { data: { type: string; id: string }[] } };
    links: { self: string };
  };
}
interface ErrorsDocument {
  errors: { code: string; detail: string; source: { pointer?: string } }[];
}

let sandbox: SandboxHandle | undefined;
// The sandbox's clock (Date) moves only when a test moves it: jobs progress when told, not after a sleep.
beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(async () => {
  vi.useRealTimers();
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<SandboxHandle> {
  sandbox = await startSandbox({ rateLimits: 'off', jobProcessing: { queuedMs: 5, profilesPerSecond: 1_000_000 }, ...options });
  return sandbox;
}

function importBody(profiles: object[], listId = 'Y6nRLr'): string {
  return JSON.stringify({
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) } },
      relationships: { lists: { data: [{ type: 'list', id: listId }] } },
    },
  });
}

async function postImport(url: string, body: string): Promise<Response> {
  return fetch(`${url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body });
}

async function readJob(url: string, id: string): Promise<JobDocument> {
  return (await (await fetch(`${url}/api/profile-bulk-import-jobs/${id}`, { headers: HEADERS })).json()) as JobDocument;
}

async function waitForJob(url: string, id: string, status: string): Promise<JobDocument> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const job = await readJob(url, id);
    if (job.data.attributes.status === status) return job;
    vi.advanceTimersByTime(5);
  }
  throw new Error(`job ${id} never reached ${status}`);
}

describe('bulk profile import jobs', () => {
  it('accepts a job with 202 queued, then completes it with counts, membership and import errors', async () => {
    const { url } = await start({ jobProcessing: { queuedMs: 40, profilesPerSecond: 20 } });
    const response = await postImport(
      url,
      importBody([
        { email: 'Ana@Example.com', first_name: 'Ana' },
        { email: 'not-an-email' },
        { email: 'bo@example.com', phone_number: '555-1234' },
        { email: 'cy@example.com', location: { city: 'Lyon', latitude: 45.7 }, properties: { tier: 'gold' } },
      ]),
    );
    expect(response.status).toBe(202);
    const created = (await response.json()) as JobDocument;
    expect(created.data.type).toBe('profile-bulk-import-job');
    expect(created.data.attributes).toMatchObject({ status: 'queued', total_count: 4, completed_count: 0, failed_count: 0 });
    expect(created.data.relationships.lists.data).toEqual([{ type: 'list', id: 'Y6nRLr' }]);
    expect(created.data.links.self).toBe(`${url}/api/profile-bulk-import-jobs/${created.data.id}/`);
    expect(sandbox?.listMemberEmails('Y6nRLr')).toEqual([]);

    const processing = await waitForJob(url, created.data.id, 'processing');
    expect(processing.data.attributes.completed_count + processing.data.attributes.failed_count).toBeLessThan(4);
    const complete = await waitForJob(url, created.data.id, 'complete');
    expect(complete.data.attributes).toMatchObject({ total_count: 4, completed_count: 2, failed_count: 2 });
    expect(sandbox?.listMemberEmails('Y6nRLr')).toEqual(['ana@example.com', 'cy@example.com']);
    expect(sandbox?.profileCount()).toBe(2);

    const errors = (await (
      await fetch(`${url}/api/profile-bulk-import-jobs/${created.data.id}/import-errors`, { headers: HEADERS })
    ).json()) as {
      data: { type: string; attributes: { code: string; source: { pointer: string }; original_payload: { email: string } } }[];
    };
    expect(errors.data.map((error) => error.attributes.source.pointer)).toEqual([
      '/data/attributes/profiles/data/1/attributes/email',
      '/data/attributes/profiles/data/2/attributes/phone_number',
    ]);
    expect(errors.data[0]?.type).toBe('import-error');
    expect(errors.data[0]?.attributes.original_payload.email).toBe('not-an-email');
  });

  it('pages import errors with page[size] and links.next until every error is read', async () => {
    const { url } = await start({ faults: { refuseEmailPattern: /@refused\.test$/ } });
    const profiles = Array.from({ length: 25 }, (_, index) => ({ email: `p${index}@${index % 5 === 0 ? 'ok.test' : 'refused.test'}` }));
    const created = (await (await postImport(url, importBody(profiles))).json()) as JobDocument;
    const complete = await waitForJob(url, created.data.id, 'complete');
    expect(complete.data.attributes).toMatchObject({ completed_count: 5, failed_count: 20 });

    const pointers: string[] = [];
    let next: string | undefined = `${url}/api/profile-bulk-import-jobs/${created.data.id}/import-errors?page[size]=8`;
    let pages = 0;
    while (next !== undefined) {
      const page = (await (await fetch(next, { headers: HEADERS })).json()) as {
        data: { attributes: { source: { pointer: string } } }[];
        links: { next?: string };
      };
      pointers.push(...page.data.map((error) => error.attributes.source.pointer));
      next = page.links.next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(new Set(pointers).size).toBe(20);
    const tooBig = await fetch(`${url}/api/profile-bulk-import-jobs/${created.data.id}/import-errors?page[size]=101`, { headers: HEADERS });
    expect(tooBig.status).toBe(400);
  });

  it('refuses the whole request with a pointer per bad profile, applying nothing', async () => {
    const { url } = await start();
    const response = await postImport(
      url,
      importBody([{ email: 'ok@example.com' }, { email: 'x@example.com', favourite_colour: 'red' }, { first_name: 'No identifier' }]),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorsDocument;
    expect(body.errors).toHaveLength(2);
    expect(body.errors[0]).toMatchObject({
      code: 'invalid',
      detail: "'favourite_colour' is not a valid field for the resource 'profile'.",
      source: { pointer: '/data/attributes/profiles/data/1/attributes/favourite_colour' },
    });
    expect(body.errors[1]?.source.pointer).toBe('/data/attributes/profiles/data/2/attributes');
    expect(sandbox?.stats().jobsCreated).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(sandbox?.profileCount()).toBe(0);
  });

  it('refuses a wrongly typed attribute with its pointer', async () => {
    const { url } = await start();
    const response = await postImport(url, importBody([{ email: 'ok@example.com', first_name: 42 }]));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorsDocument;
    expect(body.errors[0]?.source.pointer).toBe('/data/attributes/profiles/data/0/attributes/first_name');
  });

  it('answers 413 to a body over 5 MB', async () => {
    const { url } = await start();
    const profiles = Array.from({ length: 60 }, (_, index) => ({
      email: `p${index}@example.com`,
      properties: { blob: 'x'.repeat(90_000) },
    }));
    const response = await postImport(url, importBody(profiles));
    expect(response.status).toBe(413);
    expect(sandbox?.stats().jobsCreated).toBe(0);
  });

  it('refuses one profile over 100 KB with its pointer', async () => {
    const { url } = await start();
    const response = await postImport(
      url,
      importBody([{ email: 'a@example.com' }, { email: 'b@example.com', properties: { blob: 'x'.repeat(100_001) } }]),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorsDocument).errors[0]?.source.pointer).toBe('/data/attributes/profiles/data/1');
  });

  it('refuses more than 10,000 profiles in one request', async () => {
    const { url } = await start();
    const profiles = Array.from({ length: 10_001 }, (_, index) => ({ email: `p${index}@example.com` }));
    const response = await postImport(url, importBody(profiles));
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorsDocument).errors[0]?.source.pointer).toBe('/data/attributes/profiles/data');
  });

  it('answers 404 when the list relationship names an unknown list', async () => {
    const { url } = await start();
    const response = await postImport(url, importBody([{ email: 'a@example.com' }], 'NoSuch'));
    expect(response.status).toBe(404);
    expect(sandbox?.stats().jobsCreated).toBe(0);
  });

  it('ends a job chosen by cancelJobRate as cancelled, applying nothing', async () => {
    const { url } = await start({ faults: { cancelJobRate: 1 } });
    const created = (await (await postImport(url, importBody([{ email: 'a@example.com' }]))).json()) as JobDocument;
    const cancelled = await waitForJob(url, created.data.id, 'cancelled');
    expect(cancelled.data.attributes).toMatchObject({ completed_count: 0, failed_count: 0 });
    expect(sandbox?.listMemberEmails('Y6nRLr')).toEqual([]);
    expect(sandbox?.profileCount()).toBe(0);
    expect(sandbox?.stats()).toMatchObject({ jobsCreated: 1, jobsCancelled: 1, profilesReceived: 1 });
  });

  it('upserts by lower-cased email, later values winning, and lists jobs filtered by status', async () => {
    const { url } = await start();
    const first = (await (
      await postImport(url, importBody([{ email: 'A@x.com', first_name: 'Old', last_name: 'Kept' }]))
    ).json()) as JobDocument;
    await waitForJob(url, first.data.id, 'complete');
    const second = (await (
      await postImport(url, importBody([{ email: 'a@X.com', first_name: 'New', last_name: null }]))
    ).json()) as JobDocument;
    await waitForJob(url, second.data.id, 'complete');
    expect(sandbox?.profileCount()).toBe(1);
    const members = (await (await fetch(`${url}/api/lists/Y6nRLr/profiles`, { headers: HEADERS })).json()) as {
      data: { attributes: { first_name: string; last_name: string } }[];
    };
    expect(members.data[0]?.attributes).toMatchObject({ first_name: 'New', last_name: 'Kept' });

    const listed = (await (
      await fetch(`${url}/api/profile-bulk-import-jobs?filter=equals(status,"complete")`, { headers: HEADERS })
    ).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((job) => job.id).sort()).toEqual([first.data.id, second.data.id].sort());
    const none = (await (
      await fetch(`${url}/api/profile-bulk-import-jobs?filter=any(status,["queued","cancelled"])`, { headers: HEADERS })
    ).json()) as {
      data: unknown[];
    };
    expect(none.data).toEqual([]);
    expect((await fetch(`${url}/api/profile-bulk-import-jobs/unknown-job`, { headers: HEADERS })).status).toBe(404);
  });
});
