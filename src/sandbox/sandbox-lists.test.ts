import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from './sandbox-server.js';

const HEADERS = { Authorization: 'Klaviyo-API-Key pk_sandbox_0000000000000000000000000000', revision: '2026-07-15' };

interface ListsPage {
  data: { type: string; id: string; attributes: Record<string, unknown>; links: { self: string } }[];
  links: { self: string; next?: string };
}

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: HEADERS });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const manyLists = Array.from({ length: 23 }, (_, index) => ({ id: `L${String(index).padStart(5, '0')}`, name: `List ${index}` }));

describe('lists', () => {
  it('serves the default lists', async () => {
    sandbox = await startSandbox({ rateLimits: 'off' });
    const page = await getJson<ListsPage>(`${sandbox.url}/api/lists`);
    expect(page.data.map((list) => [list.id, list.attributes.name])).toEqual([
      ['Y6nRLr', 'Newsletter'],
      ['XyZ123', 'VIP customers'],
    ]);
    expect(page.data[0]?.type).toBe('list');
    expect(page.links.next).toBeUndefined();
  });

  it('pages lists 10 at a time through links.next, and refuses page[size] over 10', async () => {
    sandbox = await startSandbox({ rateLimits: 'off', lists: manyLists });
    const ids: string[] = [];
    let next: string | undefined = `${sandbox.url}/api/lists`;
    let pages = 0;
    while (next !== undefined) {
      const page: ListsPage = await getJson<ListsPage>(next);
      expect(page.data.length).toBeLessThanOrEqual(10);
      ids.push(...page.data.map((list) => list.id));
      next = page.links.next;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(ids).toEqual(manyLists.map((list) => list.id));
    const refused = await fetch(`${sandbox.url}/api/lists?page[size]=11`, { headers: HEADERS });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { errors: { source: { parameter: string } }[] };
    expect(body.errors[0]?.source.parameter).toBe('page[size]');
  });

  it('filters lists by name and id, and applies sparse fieldsets', async () => {
    sandbox = await startSandbox({ rateLimits: 'off', lists: manyLists });
    const byName = await getJson<ListsPage>(
      `${sandbox.url}/api/lists?filter=${encodeURIComponent('equals(name,"List 17")')}&fields[list]=name`,
    );
    expect(byName.data.map((list) => list.id)).toEqual(['L00017']);
    expect(byName.data[0]?.attributes).toEqual({ name: 'List 17' });

    const byIds = await getJson<ListsPage>(`${sandbox.url}/api/lists?filter=${encodeURIComponent('any(id,["L00003","L00004"])')}`);
    expect(byIds.data.map((list) => list.id)).toEqual(['L00003', 'L00004']);

    const unsupported = await fetch(`${sandbox.url}/api/lists?filter=${encodeURIComponent('contains(name,"List")')}`, { headers: HEADERS });
    expect(unsupported.status).toBe(400);
  });

  it('reads one list, 404 for an unknown one, and counts profiles on request', async () => {
    sandbox = await startSandbox({ rateLimits: 'off' });
    const list = await getJson<{ data: { id: string; attributes: Record<string, unknown> } }>(
      `${sandbox.url}/api/lists/XyZ123?additional-fields[list]=profile_count`,
    );
    expect(list.data).toMatchObject({ id: 'XyZ123', attributes: { name: 'VIP customers', profile_count: 0 } });
    const missing = await fetch(`${sandbox.url}/api/lists/Nope00`, { headers: HEADERS });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('not_found');
  });

  it('exposes members and stats on the sandbox-only admin routes, without auth', async () => {
    sandbox = await startSandbox({ rateLimits: 'off' });
    const members = await fetch(`${sandbox.url}/__sandbox/lists/Y6nRLr/members`);
    expect(await members.json()).toEqual({ emails: [] });
    await fetch(`${sandbox.url}/api/lists`, { headers: HEADERS });
    const stats = (await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()) as { requests: Record<string, number> };
    expect(stats.requests).toEqual({ get_lists: 1 });
    expect((await fetch(`${sandbox.url}/__sandbox/lists/Nope00/members`)).status).toBe(404);
  });
});
