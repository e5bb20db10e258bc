import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli, type RunOptions } from '../helpers/run-cli.js';

/** --mirror, --mirror-source list, --max-removals and --changed-only against the sandbox (issue 12). */

const KEY = 'pk_e2e_mirror_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 1_000_000 } });
  return sandbox;
}

interface Row {
  email: string;
  name: string;
}

const people = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, index) => ({ email: `person${from + index}@example.com`, name: `Name ${from + index}` }));

function writeRows(dir: string, rows: Row[], name = 'segment.csv'): string {
  const file = join(dir, name);
  writeFileSync(file, `email,first_name\n${rows.map((row) => `${row.email},${row.name}`).join('\n')}\n`);
  return file;
}

function eventsOf(stderr: string): { event?: string; level?: string; [key: string]: unknown }[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string });
}

function push(file: string, stateDir: string, args: string[] = [], extra: RunOptions = {}) {
  return runCli(['push', '--list', LIST, '--yes', '--json', '--log-format', 'json', '--state-dir', stateDir, file, ...args], {
    env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
    timeoutMs: 90_000,
    ...extra,
  });
}

function members(): string[] {
  return sandbox!.listMemberEmails(LIST).sort();
}

const emailsOf = (rows: Row[]) => rows.map((row) => row.email).sort();

/** Another tool (a sign-up form) adds these profiles to the list. */
async function addForeign(profiles: Record<string, string>[]): Promise<void> {
  const headers = { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'Content-Type': 'application/vnd.api+json' };
  const body = JSON.stringify({
    data: {
      type: 'profile-bulk-import-job',
      attributes: { profiles: { data: profiles.map((attributes) => ({ type: 'profile', attributes })) } },
      relationships: { lists: { data: [{ type: 'list', id: LIST }] } },
    },
  });
  const created = (await (await fetch(`${sandbox!.url}/api/profile-bulk-import-jobs`, { method: 'POST', headers, body })).json()) as {
    data: { id: string };
  };
  for (;;) {
    const job = (await (await fetch(`${sandbox!.url}/api/profile-bulk-import-jobs/${created.data.id}`, { headers })).json()) as {
      data: { attributes: { status: string } };
    };
    if (job.data.attributes.status === 'complete') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function firstNameOf(email: string): Promise<unknown> {
  const headers = { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15' };
  const filter = encodeURIComponent(`equals(email,${JSON.stringify(email)})`);
  const page = (await (await fetch(`${sandbox!.url}/api/profiles?filter=${filter}`, { headers })).json()) as {
    data: { attributes: { first_name: unknown } }[];
  };
  return page.data[0]?.attributes.first_name;
}

describe('--mirror', () => {
  it('first run: adds everyone, removes nothing and warns; second run with 10% gone and 5% new: the list equals the file', async () => {
    await start();
    const dir = makeTempDir();
    const stateDir = join(dir, 'state');
    const first = await push(writeRows(dir, people(0, 400)), stateDir, ['--mirror']);

    expect(first.code).toBe(0);
    expect(eventsOf(first.stderr).find((event) => event.event === 'mirror-no-state')?.level).toBe('warn');
    expect(JSON.parse(first.stdout).sync).toMatchObject({
      mirror: 'state',
      hadState: false,
      added: 400,
      removals: { planned: 0, done: 0 },
    });
    expect(members()).toEqual(emailsOf(people(0, 400)));
    const stateFile = join(stateDir, `push-${LIST}.sync-state`);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(first.stderr).not.toMatch(/person\d+@/);

    const secondRows = [...people(40, 400), ...people(400, 420)];
    const second = await push(writeRows(dir, secondRows), stateDir, ['--mirror']);

    expect(second.code).toBe(0);
    expect(members()).toEqual(emailsOf(secondRows));
    expect(JSON.parse(second.stdout).sync).toMatchObject({
      hadState: true,
      added: 20,
      removals: { planned: 40, done: 40, failed: 0, knownMembers: 400, limit: 40 },
    });
    expect(second.stderr).not.toMatch(/person\d+@/);
    expect(readdirSync(stateDir).sort()).toEqual([`push-${LIST}.sync-state`]);
  }, 120_000);

  it('a file cut to 30% sends and removes nothing (exit 2, naming the numbers); --max-removals 100% then succeeds', async () => {
    await start();
    const dir = makeTempDir();
    const stateDir = join(dir, 'state');
    expect((await push(writeRows(dir, people(0, 300)), stateDir, ['--mirror'])).code).toBe(0);
    const jobsBefore = sandbox!.stats().jobsCreated;

    const cut = writeRows(dir, people(0, 90), 'cut.csv');
    const refused = await push(cut, stateDir, ['--mirror']);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("would remove 210 of the list's 300 known members (70%)");
    expect(sandbox!.stats().jobsCreated).toBe(jobsBefore);
    expect(members()).toHaveLength(300);

    const allowed = await push(cut, stateDir, ['--mirror', '--max-removals', '100%']);
    expect(allowed.code).toBe(0);
    expect(members()).toEqual(emailsOf(people(0, 90)));
  }, 120_000);

  it('never removes members another tool added', async () => {
    await start();
    const dir = makeTempDir();
    const stateDir = join(dir, 'state');
    await addForeign([{ email: 'signup@example.com' }]);
    await push(writeRows(dir, people(0, 100)), stateDir, ['--mirror']);

    const second = await push(writeRows(dir, people(0, 95)), stateDir, ['--mirror']);

    expect(second.code).toBe(0);
    expect(members()).toEqual([...emailsOf(people(0, 95)), 'signup@example.com'].sort());
  }, 120_000);

  it('a run killed during removals, run again, finishes them without removing anyone who is in the file', async () => {
    await start();
    const dir = makeTempDir();
    const stateDir = join(dir, 'state');
    await push(writeRows(dir, people(0, 3000)), stateDir, ['--mirror']);

    const crashed = await push(writeRows(dir, people(0, 500)), stateDir, ['--mirror', '--max-removals', '100%'], {
      killWhen: (line) => line.includes('"event":"removed"'),
    });
    expect(crashed.signal).toBe('SIGKILL');
    // Killed during the removals: some were done, not all (1,000 ids a request, 2,500 to remove).
    expect(members().length).toBeLessThan(3000);
    expect(members().length).toBeGreaterThan(500);

    // The rerun's file brings back someone the crashed run planned to remove.
    const rerunRows = [...people(0, 500), ...people(2999, 3000)];
    const rerun = await push(writeRows(dir, rerunRows), stateDir, ['--mirror', '--max-removals', '100%']);

    expect(rerun.code).toBe(0);
    expect(members()).toEqual(emailsOf(rerunRows));
  }, 120_000);
});

describe('--mirror-source list', () => {
  it('removes members whose email is not in the file, keeps and counts those without an email', async () => {
    await start();
    const dir = makeTempDir();
    await addForeign([{ email: 'foreign@example.com' }, { phone_number: '+15005550006' }]);
    await push(writeRows(dir, people(0, 50)), join(dir, 'state'));

    const mirrored = await push(writeRows(dir, people(0, 50)), join(dir, 'other-state'), [
      '--mirror-source',
      'list',
      '--max-removals',
      '1',
    ]);

    expect(mirrored.code).toBe(0);
    expect(members()).toEqual(emailsOf(people(0, 50)));
    expect(sandbox!.listMemberEmails(LIST)).toHaveLength(50);
    expect(JSON.parse(mirrored.stdout).sync).toMatchObject({
      mirror: 'list',
      membersKept: 1,
      removals: { planned: 1, done: 1, knownMembers: 52 },
    });
  }, 120_000);
});

describe('--changed-only', () => {
  it('after 1% of rows changed, sends only those, and the list holds the new attributes', async () => {
    await start();
    const dir = makeTempDir();
    const stateDir = join(dir, 'state');
    const rows = people(0, 500);
    await push(writeRows(dir, rows), stateDir, ['--changed-only', '--map', 'first_name=first_name']);
    const receivedBefore = sandbox!.stats().profilesReceived;

    const changed = rows.map((row, index) => (index % 100 === 3 ? { ...row, name: `Renamed ${index}` } : row));
    const second = await push(writeRows(dir, changed), stateDir, ['--changed-only', '--map', 'first_name=first_name']);

    expect(second.code).toBe(0);
    expect(sandbox!.stats().profilesReceived - receivedBefore).toBe(5);
    expect(JSON.parse(second.stdout).sync).toMatchObject({ changedOnly: true, added: 0, updated: 5, unchanged: 495 });
    expect(await firstNameOf('person103@example.com')).toBe('Renamed 103');
    expect(await firstNameOf('person104@example.com')).toBe('Name 104');

    // A dry run shows the plan and sends nothing.
    const receivedAfter = sandbox!.stats().profilesReceived;
    const again = changed.map((row, index) => (index === 0 ? { ...row, name: 'Dry' } : row));
    const dry = await push(writeRows(dir, again), stateDir, ['--changed-only', '--map', 'first_name=first_name', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, sync: { updated: 1, unchanged: 499 } });
    expect(sandbox!.stats().profilesReceived).toBe(receivedAfter);
  }, 120_000);
});
