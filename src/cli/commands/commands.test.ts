import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../sandbox/sandbox-server.js';
import { makeTempDir, runInProcess } from '../cli-harness.test-support.js';

const KEY = 'pk_in_process_0123456789abcdef';
const READ_ONLY_KEY = 'pk_in_process_read_only_000000';

let sandbox: SandboxHandle | undefined;
let dir: ReturnType<typeof makeTempDir>;

beforeEach(() => {
  dir = makeTempDir();
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  dir.remove();
});

async function connected(): Promise<{ apiKey: string; baseUrl: string }> {
  sandbox = await startSandbox({
    keys: [
      { key: KEY, scopes: 'all' },
      { key: READ_ONLY_KEY, scopes: ['lists:read', 'profiles:read'] },
    ],
    rateLimits: 'off',
  });
  return { apiKey: KEY, baseUrl: sandbox.url };
}

function run(args: string[], env: { apiKey?: string; baseUrl?: string } = {}) {
  return runInProcess(args, { cwd: dir.path, env });
}

describe('validate, in process', () => {
  it('prints the plan, writes the rejects file and the report, and sends nothing', async () => {
    const file = join(dir.path, 'segment.csv');
    writeFileSync(file, 'Email,Name\na@example.com,A\nbad,B\nA@example.com,C\n');
    const rejects = join(dir.path, 'rejects.csv');
    const report = join(dir.path, 'report.json');
    const result = await run(['validate', file, '--rejects', rejects, '--report', report]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan for .*segment\.csv \(nothing sent\)$/m);
    expect(result.stderr).toBe(`2 rows written to ${rejects}: 1 rejected, 1 duplicate.\n`);
    expect(readFileSync(rejects, 'utf8').split('\n')[0]).toBe('line,reason,detail,Email,Name');
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ command: 'validate', outcome: 'validated', rows: { valid: 1 } });
  });

  it.each([
    { args: [], code: 0, outcome: 'validated' },
    { args: ['--strict'], code: 2, outcome: 'rejected-strict' },
  ])('with $args: exit $code, outcome $outcome', async ({ args, code, outcome }) => {
    const file = join(dir.path, 'segment.csv');
    writeFileSync(file, 'email\na@example.com\nbad\n');
    const result = await run(['validate', file, '--json', ...args]);
    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome, version: 1 });
  });

  it('push --dry-run is a validate reported as a push, without a key or network', async () => {
    const file = join(dir.path, 'segment.csv');
    writeFileSync(file, 'email\na@example.com\n');
    const result = await run(['push', '--list', 'Y6nRLr', file, '--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: 'push', dryRun: true, listId: 'Y6nRLr', delivery: null });
  });

  it('a malformed file is exit 2 with one sentence naming file and line; with --json stdout still holds one object', async () => {
    const file = join(dir.path, 'segment.json');
    writeFileSync(file, '[{"email":"a@example.com"},\n{"email":]');
    const result = await run(['validate', file, '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*segment\.json, line 2/);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'failed', exitCode: 2 });
  });
});

describe('lists, in process', () => {
  it('prints a table, or JSON, of the lists whose name contains --name', async () => {
    const env = await connected();
    const table = await run(['lists'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CREATED$/);
    expect(table.stdout).toMatch(/^Y6nRLr\s+Newsletter\s+\d{4}-\d{2}-\d{2}$/m);
    const json = await run(['lists', '--name', 'vip', '--json'], env);
    expect(JSON.parse(json.stdout).lists.map((list: { id: string }) => list.id)).toEqual(['XyZ123']);
    const none = await run(['lists', '--name', 'nothing like it'], env);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/^No list name contains "nothing like it"\.$/m);
  });

  it('without a key: exit 2 and how to set one', async () => {
    const result = await run(['lists']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: No API key: set KLAVIYO_API_KEY/);
  });
});

describe('check, in process', () => {
  it.each([
    { key: KEY, code: 0, allowed: true },
    { key: 'pk_not_this_account_000000', code: 3, allowed: false },
  ])('the key $key: exit $code', async ({ key, code, allowed }) => {
    const env = { ...(await connected()), apiKey: key };
    const result = await run(['check', '--list', 'Y6nRLr', '--json'], env);
    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout)).toMatchObject({ listId: 'Y6nRLr', allowed });
  });
});

describe('sandbox, in process', () => {
  it('listens on a free port until interrupted, then exits 0', async () => {
    let url: string | undefined;
    const result = await runInProcess(['sandbox', '--port', '0', '--key', 'pk_sandbox_in_process'], {
      cwd: dir.path,
      onOutput: ({ stdout }, interrupt) => {
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match && url === undefined) {
          url = match[1];
          interrupt(new Error('stop'));
        }
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('export KLAVIYO_API_KEY=pk_sandbox_in_process');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a port in use with exit 2', async () => {
    await connected();
    const port = new URL(sandbox!.url).port;
    const result = await runInProcess(['sandbox', '--port', port], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^error: Port ${port} on 127\\.0\\.0\\.1 is already in use`));
  });
});

describe('the program, in process', () => {
  it.each([
    { args: ['--version'], code: 0, stdout: '0.0.0-test\n' },
    { args: ['frobnicate'], code: 2, stdout: '' },
    { args: ['push', 'file.csv'], code: 2, stdout: '' },
  ])('$args: exit $code', async ({ args, code, stdout }) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe(stdout);
  });

  it('--help lists every command and the exit codes', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['validate', 'push', 'lists', 'check', 'sandbox'])
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(result.stdout).toContain('130  interrupted');
  });
});
