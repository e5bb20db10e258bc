import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxKey } from './sandbox-server.js';

/** The operations --mirror uses: the profile lookup by email and the list-relationship removal. */

const KEY = 'pk_sandbox_0000000000000000000000000000';
const READ_ONLY_KEY = 'pk_sandbox_readonly_000000000000000000';
const HEADERS = { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' };

interface ProfilesPage {
  data: { type: string; id: string; attributes: Record<string, unknown> }[];
  links: { self: string; next?: string };
}
interface ErrorsDocument {
  errors: { status: string; code: string; detail: string; source: { pointer?: string; parameter?: string } }[];
}

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(keys?: SandboxKey[]): Promise<string> {
  sandbox = await startSandbox({
    rateLimits: 'off',
    jobProcessing: { queuedMs: 1, profilesPerSecond: 1_000_000 },
    ...(keys ? { keys } : {}),
  });
  return sandbox.url;
}

async function importAndWait(url: string, emails: string[], listId = 'Y6nRLr'): Promise<void> {
  const body = JSON.stringify({
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: { data: emails.map((email) => ({ type: 'profile', attributes: { email } })) } },
      relationships: { lists: { data: [{ type: 'list', id: listId }] } },
    },
  });
  const created = await fetch(`${url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body });
  expect(created.status).toBe(202);
  const { data } = (await created.json()) as { data: { id: string } };
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const job = (await (await fetch(`${url}/api/profile-bulk-import-jobs/${data.id}`, { headers: HEADERS })).json()) as {
      data: { attributes: { status: string } };
    };
    if (job.data.attributes.status === 'complete') return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('job never completed');
}

async function get<T>(url: string, key = KEY): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: { ...HEADERS, Authorization: `Klaviyo-API-Key ${key}` } });
  return { status: response.status, body: (await response.json()) as T };
}

function lookupUrl(url: string, emails: string[], extra = ''): string {
  const filter = `any(email,[${emails.map((email) => JSON.stringify(email)).join(',')}])`;
  return `${url}/api/profiles?filter=${encodeURIComponent(filter)}&fields[profile]=email&page[size]=100${extra}`;
}

async function remove(url: string, body: unknown, listId = 'Y6nRLr', key = KEY): Promise<Response> {
  return fetch(`${url}/api/lists/${listId}/relationships/profiles`, {
    method: 'DELETE',
    headers: { ...HEADERS, Authorization: `Klaviyo-API-Key ${key}` },
    body: JSON.stringify(body),
  });
}

describe('GET /api/profiles', () => {
  it('finds profiles by email, case-insensitively, with only the fields asked for', async () => {
    const url = await start();
    await importAndWait(url, ['ana@example.com', 'bo@example.com', 'cy@example.com']);

    const { status, body } = await get<ProfilesPage>(lookupUrl(url, ['Ana@Example.com', 'cy@example.com', 'nobody@example.com']));

    expect(status).toBe(200);
    expect(body.data.map((profile) => profile.attributes)).toEqual([{ email: 'ana@example.com' }, { email: 'cy@example.com' }]);
    expect(body.data.every((profile) => profile.type === 'profile' && /^[0-9A-Z]{26}$/.test(profile.id))).toBe(true);
  });

  it('pages through links.next and refuses a page size over 100', async () => {
    const url = await start();
    const emails = Array.from({ length: 30 }, (_, index) => `p${index}@example.com`);
    await importAndWait(url, emails);

    const first = await get<ProfilesPage>(`${url}/api/profiles?page[size]=20`);
    expect(first.body.data).toHaveLength(20);
    const second = await get<ProfilesPage>(first.body.links.next ?? '');
    expect(second.body.data).toHaveLength(10);
    expect(second.body.links.next).toBeUndefined();

    const refused = await get<ErrorsDocument>(`${url}/api/profiles?page[size]=101`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.source.parameter).toBe('page[size]');
  });

  it.each([
    [
      'more than 100 values in any(...)',
      lookupUrl(
        '',
        Array.from({ length: 101 }, (_, index) => `p${index}@example.com`),
      ),
    ],
    ['a field the filter does not allow', `/api/profiles?filter=${encodeURIComponent('any(first_name,["Ana"])')}`],
    ['a malformed filter', `/api/profiles?filter=${encodeURIComponent('any(email,')}`],
    ['a sparse field the resource does not have', '/api/profiles?fields[profile]=joined_group_at'],
  ])('refuses %s with 400 naming the parameter', async (_label, path) => {
    const url = await start();

    const { status, body } = await get<ErrorsDocument>(`${url}${path}`);

    expect(status).toBe(400);
    expect(body.errors[0]?.code).toBe('invalid');
  });

  it('needs profiles:read', async () => {
    const url = await start([{ key: READ_ONLY_KEY, scopes: ['lists:read'] }]);

    const { status, body } = await get<ErrorsDocument>(lookupUrl(url, ['ana@example.com']), READ_ONLY_KEY);

    expect(status).toBe(403);
    expect(body.errors[0]?.code).toBe('permission_denied');
  });
});

describe('DELETE /api/lists/{id}/relationships/profiles', () => {
  it('removes the named members with 204 and no body; leaves the profiles, other members and other lists alone', async () => {
    const url = await start();
    await importAndWait(url, ['ana@example.com', 'bo@example.com', 'cy@example.com']);
    await importAndWait(url, ['ana@example.com'], 'XyZ123');
    const { body: found } = await get<ProfilesPage>(lookupUrl(url, ['ana@example.com', 'bo@example.com']));

    const response = await remove(url, { data: found.data.map(({ id }) => ({ type: 'profile', id })) });

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(sandbox?.listMemberEmails('Y6nRLr')).toEqual(['cy@example.com']);
    expect(sandbox?.listMemberEmails('XyZ123')).toEqual(['ana@example.com']);
    expect(sandbox?.profileCount()).toBe(3);
  });

  it('answers 204 again for profiles that are no longer (or never were) members, so a retry is harmless', async () => {
    const url = await start();
    await importAndWait(url, ['ana@example.com', 'bo@example.com']);
    const { body: found } = await get<ProfilesPage>(lookupUrl(url, ['ana@example.com']));
    const body = {
      data: [...found.data.map(({ id }) => ({ type: 'profile', id })), { type: 'profile', id: '01SANDBX00000000000000ZZZZ' }],
    };

    expect((await remove(url, body)).status).toBe(204);
    expect((await remove(url, body)).status).toBe(204);
    expect(sandbox?.listMemberEmails('Y6nRLr')).toEqual(['bo@example.com']);
  });

  it.each([
    ['no data', {}, '/data'],
    ['an empty data', { data: [] }, '/data'],
    ['1,001 profiles', { data: Array.from({ length: 1001 }, (_, index) => ({ type: 'profile', id: `P${index}` })) }, '/data'],
    ['a resource that is not a profile', { data: [{ type: 'list', id: 'P1' }] }, '/data/0/type'],
    ['a profile without id', { data: [{ type: 'profile', id: 'P1' }, { type: 'profile' }] }, '/data/1/id'],
  ])('refuses %s with 400 and a pointer', async (_label, body, pointer) => {
    const url = await start();

    const response = await remove(url, body);

    expect(response.status).toBe(400);
    const document = (await response.json()) as ErrorsDocument;
    expect(document.errors[0]?.source.pointer).toBe(pointer);
  });

  it('answers 404 for an unknown list, and 403 without lists:write', async () => {
    const url = await start([
      { key: KEY, scopes: 'all' },
      { key: READ_ONLY_KEY, scopes: ['lists:read', 'profiles:read'] },
    ]);
    const body = { data: [{ type: 'profile', id: 'P1' }] };

    expect((await remove(url, body, 'Nope00')).status).toBe(404);
    const forbidden = await remove(url, body, 'Y6nRLr', READ_ONLY_KEY);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as ErrorsDocument).errors[0]?.detail).toContain('lists:write');
  });

  it('is refused with 405 naming the allowed methods when asked to PUT', async () => {
    const url = await start();

    const response = await fetch(`${url}/api/lists/Y6nRLr/relationships/profiles`, { method: 'PUT', headers: HEADERS, body: '{}' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('DELETE');
  });
});
