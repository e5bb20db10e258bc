import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from './sandbox-server.js';

const KEY = 'pk_sandbox_0000000000000000000000000000';
const READ_ONLY_KEY = 'pk_readonly_000000000000000000000000000';
const JSON_API = 'application/vnd.api+json';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<SandboxHandle> {
  sandbox = await startSandbox({
    keys: [
      { key: KEY, scopes: 'all' },
      { key: READ_ONLY_KEY, scopes: ['lists:read', 'profiles:read', 'accounts:read'] },
    ],
    rateLimits: 'off',
  });
  return sandbox;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', Accept: JSON_API, ...extra };
}

const oneProfileBody = JSON.stringify({
  data: {
    type: 'profile-bulk-import-job',
    attributes: { profiles: { data: [{ type: 'profile', attributes: { email: 'a@example.com' } }] } },
  },
});

describe('sandbox authentication and request checks', () => {
  it('answers 401 not_authenticated without a key and authentication_failed for an unknown key', async () => {
    const { url } = await start();
    const missing = await fetch(`${url}/api/accounts`, { headers: { revision: '2026-07-15' } });
    expect(missing.status).toBe(401);
    const missingBody = (await missing.json()) as { errors: { code: string; status: string }[] };
    expect(missingBody.errors[0]).toMatchObject({ code: 'not_authenticated', status: '401' });

    const wrong = await fetch(`${url}/api/accounts`, { headers: headers({ Authorization: 'Klaviyo-API-Key pk_nope' }) });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('authentication_failed');
  });

  it('answers 403 permission_denied when the key lacks the operation scopes, and lets it read', async () => {
    const { url } = await start();
    const readOnly = headers({ Authorization: `Klaviyo-API-Key ${READ_ONLY_KEY}`, 'Content-Type': JSON_API });
    const post = await fetch(`${url}/api/profile-bulk-import-jobs`, { method: 'POST', headers: readOnly, body: oneProfileBody });
    expect(post.status).toBe(403);
    const body = (await post.json()) as { errors: { code: string; detail: string }[] };
    expect(body.errors[0]?.code).toBe('permission_denied');
    expect(body.errors[0]?.detail).toContain('lists:write');

    const read = await fetch(`${url}/api/lists`, { headers: readOnly });
    expect(read.status).toBe(200);
  });

  it('requires the revision header and refuses an unknown revision', async () => {
    const { url } = await start();
    const missing = await fetch(`${url}/api/lists`, { headers: { Authorization: `Klaviyo-API-Key ${KEY}` } });
    expect(missing.status).toBe(400);
    const missingBody = (await missing.json()) as { errors: { source: { parameter: string } }[] };
    expect(missingBody.errors[0]?.source.parameter).toBe('revision');

    const unknown = await fetch(`${url}/api/lists`, { headers: headers({ revision: '2019-01-01' }) });
    expect(unknown.status).toBe(400);
  });

  it('accepts application/json and application/vnd.api+json bodies and answers 415 to others', async () => {
    const { url } = await start();
    for (const contentType of [JSON_API, 'application/json; charset=utf-8']) {
      const accepted = await fetch(`${url}/api/profile-bulk-import-jobs`, {
        method: 'POST',
        headers: headers({ 'Content-Type': contentType }),
        body: oneProfileBody,
      });
      expect(accepted.status).toBe(202);
    }
    const refused = await fetch(`${url}/api/profile-bulk-import-jobs`, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'text/plain' }),
      body: oneProfileBody,
    });
    expect(refused.status).toBe(415);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('unsupported_media_type');
  });

  it('answers 404 to an unknown route and 405 to a wrong method', async () => {
    const { url } = await start();
    const unknown = await fetch(`${url}/api/nothing-here`, { headers: headers() });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('not_found');

    const wrongMethod = await fetch(`${url}/api/accounts`, { method: 'DELETE', headers: headers() });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('answers 400 parse_error to malformed JSON', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/api/profile-bulk-import-jobs`, {
      method: 'POST',
      headers: headers({ 'Content-Type': JSON_API }),
      body: '{"data": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('parse_error');
  });

  it('returns the account for a valid key, with the configured name', async () => {
    sandbox = await startSandbox({ accountName: 'Acme Shop', rateLimits: 'off' });
    const response = await fetch(`${sandbox.url}/api/accounts/`, { headers: headers() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(JSON_API);
    const body = (await response.json()) as {
      data: { type: string; attributes: { contact_information: { organization_name: string } } }[];
    };
    expect(body.data[0]?.type).toBe('account');
    expect(body.data[0]?.attributes.contact_information.organization_name).toBe('Acme Shop');
  });
});
