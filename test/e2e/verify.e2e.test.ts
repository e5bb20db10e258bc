import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_verify_key_0123456789abcdef';
const READ_ONLY_KEY = 'pk_e2e_read_only_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<SandboxHandle> {
  sandbox = await startSandbox({
    keys: [
      { key: KEY, scopes: 'all' },
      { key: READ_ONLY_KEY, scopes: ['lists:read', 'profiles:read'] },
    ],
    jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 },
  });
  return sandbox;
}

function tempDir(): string {
  const dir = makeTempDir('kx-verify-');
  dirs.push(dir);
  return dir;
}

/** `Email,First,Tier` rows for user<from>..user<to - 1>; line n + 2 holds user<n - from>. */
function writeSegment(dir: string, name: string, from: number, to: number): string {
  const rows = Array.from({ length: to - from }, (_, i) => `user${from + i}@example.com,Name ${from + i},tier-${(from + i) % 3}`);
  const file = join(dir, name);
  writeFileSync(file, `Email,First,Tier\n${rows.join('\n')}\n`);
  return file;
}

function cli(command: 'push' | 'verify', args: string[], env: Record<string, string> = {}, key = KEY) {
  const extra = command === 'push' ? ['--yes'] : [];
  return runCli([command, '--list', LIST, ...extra, ...args], {
    env: { KLAVIYO_API_KEY: key, KLAVIYO_BASE_URL: sandbox!.url, ...env },
  });
}

describe('verify against the sandbox', () => {
  it('after a push, finds every row in the list (exit 0) and writes nothing to Klaviyo', async () => {
    await start();
    const dir = tempDir();
    const file = writeSegment(dir, 'segment.csv', 0, 300);
    const mapping = ['--map', 'first_name=First', '--map', 'properties.tier=Tier'];
    expect((await cli('push', [file, ...mapping, '-q'])).code).toBe(0);
    const importsBefore = sandbox!.stats().requests.bulk_import_profiles;

    const result = await cli('verify', [file, ...mapping, '--all', '--attributes', '--json'], {}, READ_ONLY_KEY);

    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      outcome: 'all-present',
      sample: { all: true, checked: 300 },
      present: 300,
      missing: { count: 0 },
      attributes: { fields: ['first_name', 'properties.tier'], mismatched: 0, byField: [] },
    });
    expect(sandbox!.stats().requests.bulk_import_profiles).toBe(importsBefore);
    expect(sandbox!.stats().requests.get_profiles_for_list).toBe(3);
    expect(result.stderr).not.toMatch(/@example\.com/);
  });

  it('under --all, finds exactly the 50 rows never pushed (exit 1) and writes them to --missing with their lines and columns', async () => {
    await start();
    const dir = tempDir();
    expect((await cli('push', [writeSegment(dir, 'pushed.csv', 0, 200), '-q'])).code).toBe(0);
    const file = writeSegment(dir, 'segment.csv', 0, 250);
    const missingFile = join(dir, 'missing.csv');
    const report = join(dir, 'report.json');

    const result = await cli('verify', [file, '--all', '--missing', missingFile, '--report', report]);

    expect(result.code).toBe(1);
    const expectedRows = Array.from(
      { length: 50 },
      (_, i) => `${202 + i},missing,Not a member of list ${LIST}.,user${200 + i}@example.com,Name ${200 + i},tier-${(200 + i) % 3}`,
    );
    expect(readFileSync(missingFile, 'utf8')).toBe(`line,reason,detail,Email,First,Tier\n${expectedRows.join('\n')}\n`);
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    expect(summary).toMatchObject({ outcome: 'some-missing', present: 200, missing: { count: 50 } });
    expect(summary.missing.lines).toEqual(Array.from({ length: 50 }, (_, i) => 202 + i));
    expect(result.stdout).toMatch(/missing +50 \(lines 202, 203, 204, 205, 206, \.\.\. 45 more\)/);

    // The missing file is a segment file: pushing it completes the list.
    expect((await cli('push', [missingFile, '-q'])).code).toBe(0);
    expect((await cli('verify', [file, '--all', '-q'])).code).toBe(0);
  });

  it('names missing JSON rows by their element, as the rejects file does', async () => {
    await start();
    const dir = tempDir();
    const file = join(dir, 'segment.json');
    writeFileSync(file, JSON.stringify([{ email: 'a@example.com', n: 1 }, { email: 'b@example.com', n: 2 }, { email: 'c@example.com' }]));
    const missingFile = join(dir, 'missing.csv');
    const result = await cli('verify', [file, '--all', '--missing', missingFile, '-q']);
    expect(result.code).toBe(1);
    expect(readFileSync(missingFile, 'utf8')).toBe(
      [
        'line,element,reason,detail,email,n,other_fields',
        `1,0,missing,Not a member of list ${LIST}.,a@example.com,1,`,
        `1,1,missing,Not a member of list ${LIST}.,b@example.com,2,`,
        `1,2,missing,Not a member of list ${LIST}.,c@example.com,,`,
        '',
      ].join('\n'),
    );
  });

  it('checks a random sample of the asked size, the same rows again with the same seed, and shows what --all would take', async () => {
    await start();
    const dir = tempDir();
    const file = writeSegment(dir, 'segment.csv', 0, 2_000);
    const sampled = async (seed: string) => {
      const missingFile = join(dir, `missing-${seed}-${Math.random()}.csv`);
      const result = await cli('verify', [file, '--sample', '150', '--seed', seed, '--missing', missingFile, '--json']);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ sample: { all: false, size: 150, seed: Number(seed), checked: 150 } });
      expect(result.stderr).toContain('Checking 150 of 2,000 valid rows in 2 requests; --all would take at least');
      // Nothing was pushed: every sampled row is missing, so the missing file lists the sample.
      return readFileSync(missingFile, 'utf8').trim().split('\n').slice(1);
    };
    const first = await sampled('7');
    expect(first).toHaveLength(150);
    expect(await sampled('7')).toEqual(first);
    expect(await sampled('8')).not.toEqual(first);

    const defaultSample = await cli('verify', [file, '--json']);
    expect(JSON.parse(defaultSample.stdout).sample).toMatchObject({ all: false, size: 1_000, checked: 1_000 });
  });

  it('appends a Markdown summary to GITHUB_STEP_SUMMARY for push and verify, with counts and no email address, and annotates the outcome', async () => {
    await start();
    const dir = tempDir();
    const stepSummary = join(dir, 'step-summary.md');
    writeFileSync(join(dir, 'pushed.csv'), 'Email,First\nann@example.com,Ann\nbob@example.com,Bob\nnot-an-email,X\nann@example.com,Dup\n');
    const env = { GITHUB_STEP_SUMMARY: stepSummary, GITHUB_ACTIONS: 'true' };

    const push = await cli('push', [join(dir, 'pushed.csv'), '--json'], env);
    expect(push.code).toBe(0);
    expect(JSON.parse(push.stdout).outcome).toBe('delivered');
    expect(push.stderr).toContain(
      // A rejected row makes a run that delivered everything else a warning: someone should look at it.
      '::warning title=klaviyo-export push::Delivered: 2 of 2 valid profiles imported, 0 refused, 1 row rejected.',
    );

    writeFileSync(join(dir, 'segment.csv'), 'Email,First\nann@example.com,Ann\ncarl@example.com,Carl\n');
    const verify = await cli('verify', [join(dir, 'segment.csv'), '--all'], env);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(
      '::error title=klaviyo-export verify::Rows missing from the list: 1 of 2 checked rows in list Y6nRLr, 1 missing.',
    );

    const markdown = readFileSync(stepSummary, 'utf8');
    expect(markdown).toContain('### klaviyo-export push: delivered');
    expect(markdown).toContain('| valid profiles | 2 |');
    expect(markdown).toContain('| imported | 2 |');
    expect(markdown).toContain('| invalid_email | 1 | The email is not a valid address. |');
    expect(markdown).toContain('### klaviyo-export verify: rows missing from the list');
    expect(markdown).toContain('| in the list | 1 |');
    expect(markdown).toContain('| missing | 1 |');
    expect(markdown).not.toMatch(/@/);
    expect(markdown + push.stdout + push.stderr + verify.stdout + verify.stderr).not.toContain(KEY);
  });

  it('stops with exit 3 for an unknown list or a key that may not read profiles', async () => {
    await start();
    const dir = tempDir();
    const file = writeSegment(dir, 'segment.csv', 0, 10);
    const stepSummary = join(dir, 'step-summary.md');
    const unknown = await runCli(['verify', '--list', 'Nope99', file], {
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url, GITHUB_STEP_SUMMARY: stepSummary, GITHUB_ACTIONS: 'true' },
    });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/List Nope99 does not exist/);
    // CI shows why it failed, too.
    expect(unknown.stdout).toMatch(/^::error title=klaviyo-export verify::List Nope99 does not exist/m);
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/^### klaviyo-export verify: failed \(exit 3\)\n\nList Nope99 does not exist/);
    await sandbox!.close();
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: ['lists:read'] }] });
    const noScope = await cli('verify', [file]);
    expect(noScope.code).toBe(3);
    expect(noScope.stderr).not.toContain(KEY);
  });
});
