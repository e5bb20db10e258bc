import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/sandbox-server.js';
import { runCli } from '../helpers/run-cli.js';

const KEY = 'pk_lists_check_e2e_7f3a9c2b1d';
const WRONG_KEY = 'pk_wrong_lists_check_e2e_0e9d8c';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], ...options });
  return sandbox;
}

function run(args: string[], key = KEY) {
  return runCli(args, { env: { KLAVIYO_API_KEY: key, KLAVIYO_BASE_URL: sandbox!.url } });
}

function expectNoKey(result: { stdout: string; stderr: string }, key = KEY) {
  expect(result.stdout + result.stderr).not.toContain(key);
}

const MANY_LISTS = Array.from({ length: 25 }, (_, i) => ({
  id: `L${String(i).padStart(5, '0')}`,
  name: `${i % 5 === 0 ? 'VIP' : 'Plain'} list ${i}`,
}));

describe('lists', () => {
  it('prints the sandbox lists as a table of id, name and created date', async () => {
    await start();
    const result = await run(['lists']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+CREATED$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^Y6nRLr\s+Newsletter\s+\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^XyZ123\s+VIP customers\s+\d{4}-\d{2}-\d{2}$/),
    ]);
    expectNoKey(result);
  });

  it('follows the page cursor through 25 lists (Klaviyo serves 10 per page)', async () => {
    await start({ lists: MANY_LISTS });
    const result = await run(['lists', '--json']);
    expect(result.code).toBe(0);
    const { lists } = JSON.parse(result.stdout) as { lists: { id: string; name: string }[] };
    expect(lists.map((list) => list.id)).toEqual(MANY_LISTS.map((list) => list.id));
    expect(sandbox!.stats().requests.get_lists).toBe(3);
    expectNoKey(result);
  });

  it('--name keeps the lists whose name contains the text, ignoring case, across pages', async () => {
    await start({ lists: MANY_LISTS });
    const result = await run(['lists', '--name', 'vip']);
    expect(result.code).toBe(0);
    const ids = result.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(['L00000', 'L00005', 'L00010', 'L00015', 'L00020']);
  });

  it('--name matching nothing says so and exits 0', async () => {
    await start();
    const result = await run(['lists', '--name', 'nothing like this']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/No list name contains "nothing like this"/);
  });

  it('--json prints one JSON object with id, name and created', async () => {
    await start();
    const result = await run(['lists', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.lists).toEqual([
      { id: 'Y6nRLr', name: 'Newsletter', created: expect.any(String) },
      { id: 'XyZ123', name: 'VIP customers', created: expect.any(String) },
    ]);
  });

  it('a wrong key exits 3 with one sentence, the key never shown', async () => {
    await start();
    const result = await run(['lists'], WRONG_KEY);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expectNoKey(result, WRONG_KEY);
  });

  it('no key at all exits 2 and says how to set one', async () => {
    await start();
    const result = await runCli(['lists'], { env: { KLAVIYO_BASE_URL: sandbox!.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/KLAVIYO_API_KEY/);
  });
});

describe('check', () => {
  it('a full key exits 0, says write permission is proven by the first upload, and sends only documented reads', async () => {
    await start();
    const result = await run(['check', '--list', LIST]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/MISSING/);
    expect(result.stdout).toMatch(/Newsletter/);
    expect(result.stdout).toMatch(/would be allowed/);
    expect(result.stdout).toMatch(/first upload of a push proves it/);
    expect(sandbox!.stats().requests).toEqual({ get_list: 1, get_bulk_import_profiles_jobs: 1 });
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
    expectNoKey(result);
  });

  it('a read-only key passes the reads and is told that writing is proven by the first upload (no request the spec refuses)', async () => {
    await start({ keys: [{ key: KEY, scopes: ['lists:read', 'profiles:read'] }] });
    const result = await run(['check', '--list', LIST]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^note .*lists:write, profiles:write.*first upload/m);
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expectNoKey(result);
  });

  it('a key that cannot read import jobs exits 3, naming the missing scope', async () => {
    await start({ keys: [{ key: KEY, scopes: ['lists:read'] }] });
    const result = await run(['check', '--list', LIST]);
    expect(result.code).toBe(3);
    const missing = result.stdout.split('\n').filter((line) => line.startsWith('MISSING'));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(/profiles:read/);
    expect(result.stdout).toMatch(/would fail/);
    expectNoKey(result);
  });

  it('--json reports each check and allowed: false for a key that cannot read import jobs', async () => {
    await start({ keys: [{ key: KEY, scopes: ['lists:read'] }] });
    const result = await run(['check', '--list', LIST, '--json']);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ listId: LIST, allowed: false });
    expect(report.checks.filter((check: { ok: boolean }) => !check.ok).map((check: { name: string }) => check.name)).toEqual(['jobs']);
    expect(report.note).toMatch(/first upload/);
    expectNoKey(result);
  });

  it('says it cannot tell, exit 1, never success, when Klaviyo cannot be reached', async () => {
    const closed = await start();
    const url = closed.url;
    await closed.close();
    const result = await runCli(['check', '--list', LIST, '--json'], { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: url } });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.allowed).toBeNull();
    expect(report.checks.map((check: { status: string }) => check.status)).toEqual(['unknown', 'unknown']);
    expect(report.checks[0].message).toMatch(/^Cannot tell whether the key can read the list: Could not reach Klaviyo/);
  });

  it('retries CDN challenge pages instead of calling them a missing scope', async () => {
    await start({ rateLimits: 'off', faults: { seed: 5, cdnChallengeRate: 0.4 } });
    const result = await run(['check', '--list', LIST]);
    expect(sandbox!.stats().faultsInjected).toBeGreaterThan(0);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/MISSING/);
  });

  it('an unknown list exits 3, naming it', async () => {
    await start();
    const result = await run(['check', '--list', 'NoSuch']);
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toMatch(/NoSuch/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expectNoKey(result);
  });

  it('a wrong key exits 3, the key never shown', async () => {
    await start();
    const result = await run(['check', '--list', LIST], WRONG_KEY);
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toMatch(/401/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expectNoKey(result, WRONG_KEY);
  });

  it('a key given with --api-key is never echoed either', async () => {
    await start();
    const result = await runCli(['check', '--list', 'NoSuch', '--api-key', KEY, '--json'], { env: { KLAVIYO_BASE_URL: sandbox!.url } });
    expect(result.code).toBe(3);
    expectNoKey(result);
  });
});
