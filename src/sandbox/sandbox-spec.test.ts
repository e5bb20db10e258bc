import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type SandboxHandle } from './sandbox-server.js';

/** Differences from the 2026-07-15 OpenAPI spec, found by comparing operation by operation. */

const HEADERS = {
  Authorization: 'Klaviyo-API-Key pk_sandbox_0000000000000000000000000000',
  revision: '2026-07-15',
  'Content-Type': 'application/vnd.api+json',
};

interface Member {
  id: string;
  attributes: Record<string, unknown>;
  relationships: Record<string, { links: { self: string; related: string } }>;
}
interface ErrorsDocument {
  errors: { status: string; code: string; source: { pointer?: string; parameter?: string } }[];
}

let sandbox: SandboxHandle | undefined;
// The sandbox's clock (Date) moves only when a test moves it: jobs end when told, not after a sleep.
beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(async () => {
  vi.useRealTimers();
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<string> {
  sandbox = await startSandbox({ rateLimits: 'off', jobProcessing: { queuedMs: 1, profilesPerSecond: 1_000_000 } });
  return sandbox.url;
}

function jobBody(resources: object[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: { data: resources } },
      relationships: { lists: { data: [{ type: 'list', id: 'Y6nRLr' }] } },
      ...extra,
    },
  });
}

async function importAndWait(url: string, resources: object[]): Promise<void> {
  const created = await fetch(`${url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: HEADERS, body: jobBody(resources) });
  expect(created.status).toBe(202);
  const { data } = (await created.json()) as { data: { id: string } };
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const job = (await (await fetch(`${url}/api/profile-bulk-import-jobs/${data.id}`, { headers: HEADERS })).json()) as {
      data: { attributes: { status: string } };
    };
    if (job.data.attributes.status === 'complete') return;
    vi.advanceTimersByTime(5);
  }
  throw new Error('job never completed');
}

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: HEADERS });
  return { status: response.status, body: (await response.json()) as T };
}

const profile = (attributes: object) => ({ type: 'profile', attributes });

describe('sandbox against the spec', () => {
  it('gives list members every schema attribute, joined_group_at included, never the _kx it was sent', async () => {
    const url = await start();
    await importAndWait(url, [
      profile({ email: 'ana@example.com', _kx: 'secret', location: { city: 'Lyon' }, properties: { tier: 'gold' } }),
    ]);
    const { body } = await get<{ data: Member[] }>(`${url}/api/lists/Y6nRLr/profiles`);
    const member = body.data[0];
    expect(member?.attributes).toMatchObject({
      email: 'ana@example.com',
      phone_number: null,
      last_event_date: null,
      location: { city: 'Lyon', country: null, zip: null },
      properties: { tier: 'gold' },
    });
    expect(member?.attributes.joined_group_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    expect(member?.attributes).not.toHaveProperty('_kx');
    expect(member?.relationships.lists?.links.related).toBe(`${url}/api/profiles/${member?.id}/lists/`);
  });

  it('filters and sorts list members as get_profiles_for_list allows', async () => {
    const url = await start();
    await importAndWait(url, [profile({ email: 'a@example.com' }), profile({ email: 'b@example.com', phone_number: '+33612345678' })]);
    await importAndWait(url, [profile({ email: 'c@example.com' })]);
    const emailsOf = async (query: string) => {
      const { status, body } = await get<{ data: Member[] }>(`${url}/api/lists/Y6nRLr/profiles?${query}`);
      expect(status).toBe(200);
      return body.data.map((member) => member.attributes.email);
    };
    expect(await emailsOf(`filter=${encodeURIComponent('equals(email,"B@Example.com")')}`)).toEqual(['b@example.com']);
    expect(await emailsOf(`filter=${encodeURIComponent('any(phone_number,["+33612345678"])')}`)).toEqual(['b@example.com']);
    expect(await emailsOf('sort=-joined_group_at')).toEqual(['c@example.com', 'b@example.com', 'a@example.com']);
    expect(await emailsOf('fields[profile]=email,location.city')).toHaveLength(3);
    const { body: sparse } = await get<{ data: Member[] }>(`${url}/api/lists/Y6nRLr/profiles?fields[profile]=email,location.city`);
    expect(sparse.data[0]?.attributes).toEqual({ email: 'a@example.com', location: { city: null } });
    const joined = (await get<{ data: Member[] }>(`${url}/api/lists/Y6nRLr/profiles`)).body.data.map((m) =>
      String(m.attributes.joined_group_at),
    );
    const since = encodeURIComponent(`greater-than(joined_group_at,${joined[2] ?? ''})`);
    expect(await emailsOf(`filter=${since}`)).toEqual([]);
    const until = encodeURIComponent(`less-than(joined_group_at,${joined[2] ?? ''})`);
    expect(await emailsOf(`filter=${until}`)).toEqual(['a@example.com', 'b@example.com']);
    expect(await emailsOf(`filter=${encodeURIComponent('any(email,["C@example.com", \'nobody@example.com\', "a@example.com"])')}`)).toEqual(
      ['a@example.com', 'c@example.com'],
    );
    const many = `any(email,[${Array.from({ length: 101 }, (_, i) => `"u${i}@example.com"`).join(',')}])`;
    expect((await get<ErrorsDocument>(`${url}/api/lists/Y6nRLr/profiles?filter=${encodeURIComponent(many)}`)).status).toBe(400);
    const refused = await get<ErrorsDocument>(`${url}/api/lists/Y6nRLr/profiles?filter=${encodeURIComponent('equals(first_name,"A")')}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.source.parameter).toBe('filter');
  });

  it('sorts lists, filters them by date, and answers include with empty relationships', async () => {
    const url = await start();
    const names = async (query: string) =>
      (await get<{ data: { attributes: { name: string } }[] }>(`${url}/api/lists?${query}`)).body.data.map((list) => list.attributes.name);
    expect(await names('sort=-name')).toEqual(['VIP customers', 'Newsletter']);
    expect(await names(`filter=${encodeURIComponent('greater-than(created,2000-01-01T00:00:00Z)')}`)).toHaveLength(2);
    expect(await names(`filter=${encodeURIComponent('greater-than(updated,2999-01-01T00:00:00Z)')}`)).toEqual([]);
    expect((await get<ErrorsDocument>(`${url}/api/lists?sort=size`)).body.errors[0]?.source.parameter).toBe('sort');

    const included = await get<{ data: { relationships: { tags: { data: unknown[] } } }; included: unknown[] }>(
      `${url}/api/lists/Y6nRLr?include=tags`,
    );
    expect(included.status).toBe(200);
    expect(included.body.included).toEqual([]);
    expect(included.body.data.relationships.tags.data).toEqual([]);
  });

  it('refuses a sparse fieldset, additional field or include the operation does not have', async () => {
    const url = await start();
    for (const [path, parameter] of [
      ['/api/lists?fields[list]=nmae', 'fields[list]'],
      ['/api/lists?include=profiles', 'include'],
      ['/api/lists/Y6nRLr?additional-fields[list]=member_count', 'additional-fields[list]'],
      ['/api/profile-bulk-import-jobs?fields[profile-bulk-import-job]=progress', 'fields[profile-bulk-import-job]'],
    ] as const) {
      const { status, body } = await get<ErrorsDocument>(`${url}${path}`);
      expect(status, path).toBe(400);
      expect(body.errors[0]).toMatchObject({ status: '400', code: 'invalid', source: { parameter } });
    }
  });

  it('accepts a profile whose meta is null, as the schema allows', async () => {
    const url = await start();
    await importAndWait(url, [{ type: 'profile', attributes: { email: 'n@example.com' }, meta: null }]);
    expect(sandbox?.listMemberEmails('Y6nRLr')).toEqual(['n@example.com']);
  });

  it.each([
    [{ id: 'client-id' }, '/data/id'],
    [{ attributes: { profiles: { data: [profile({ email: 'a@example.com' })] }, list_id: 'Y6nRLr' } }, '/data/attributes/list_id'],
    [{ relationships: { list: { data: [] } } }, '/data/relationships/list'],
  ])('refuses a job resource with an unknown member %j', async (extra, pointer) => {
    const url = await start();
    const response = await fetch(`${url}/api/profile-bulk-import-jobs`, {
      method: 'POST',
      headers: HEADERS,
      body: jobBody([profile({ email: 'a@example.com' })], extra),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorsDocument).errors[0]?.source.pointer).toBe(pointer);
    expect(sandbox?.stats().jobsCreated).toBe(0);
  });
});
