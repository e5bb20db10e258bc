import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/sandbox-server.js';
import { FIXTURES, makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_secret_key_0123456789abcdef';
const LIST = 'Y6nRLr';
const FAST_JOBS = { queuedMs: 20, profilesPerSecond: 200_000 };

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: FAST_JOBS, ...options });
  return sandbox;
}

function push(args: string[], extra: { key?: string; input?: string; cwd?: string } = {}) {
  return runCli(['push', '--list', LIST, '--yes', ...args], {
    env: { KLAVIYO_API_KEY: extra.key ?? KEY, KLAVIYO_BASE_URL: sandbox!.url },
    input: extra.input,
    cwd: extra.cwd,
  });
}

function expectNoKey(...texts: string[]) {
  for (const text of texts) expect(text).not.toContain(KEY);
}

describe('push against the sandbox', () => {
  it('delivers a nasty CSV (BOM, semicolons, CRLF, quoted newlines, duplicates, invalid rows): exactly the valid unique emails', async () => {
    await start();
    const dir = makeTempDir();
    const result = await push([join(FIXTURES, 'nasty.csv'), '--rejects', join(dir, 'rejects.csv'), '--report', join(dir, 'report.json')]);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['ann@example.com', 'bob@example.com', 'eve@example.org']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.rows).toEqual({ read: 6, valid: 3, rejected: 2, duplicates: 1 });
    expect(report.delivery.imported).toBe(3);
    expect(report.duplicates.lines).toEqual([8]);
    const rejects = readFileSync(join(dir, 'rejects.csv'), 'utf8');
    expect(rejects).toMatch(/^6,invalid_email,/m);
    expect(rejects).toMatch(/^7,blank_email,/m);
    expect(rejects).toMatch(/^8,duplicate,.*line 2/m);
    const reportText = readFileSync(join(dir, 'report.json'), 'utf8');
    expect(reportText).not.toMatch(/@example\./);
    expect(result.stdout + result.stderr).not.toMatch(/@example\./);
    expectNoKey(result.stdout, result.stderr, reportText);
  });

  it.each([
    [
      'json',
      JSON.stringify({
        profiles: [{ email: 'a@example.com', name: 'A' }, { email: 'B@example.com' }, { email: 'a@EXAMPLE.com' }, { email: 'nope' }],
      }),
    ],
    ['ndjson', '{"email":"a@example.com"}\n\n{"email":"B@example.com"}\r\n{"email":"a@EXAMPLE.com"}\n{"email":"nope"}\n'],
  ])('delivers a %s file', async (format, text) => {
    await start();
    const file = join(makeTempDir(), `segment.${format}`);
    writeFileSync(file, text);
    const result = await push([file, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.rows).toEqual({ read: 4, valid: 2, rejected: 1, duplicates: 1 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['a@example.com', 'b@example.com']);
  });

  it('reads standard input with -', async () => {
    await start();
    const result = await push(['-', '--format', 'csv'], { input: 'email,first\nx@example.com,X\ny@example.com,Y\n' });
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['x@example.com', 'y@example.com']);
  });

  it('refuses a wrong key with exit 3, one sentence, nothing sent, the key never shown', async () => {
    await start();
    const wrong = 'pk_wrong_key_abcdef0123456789';
    const result = await push([join(FIXTURES, 'nasty.csv')], { key: wrong });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/401/);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(wrong);
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });

  it('refuses a read-only key with exit 3 before any profile is sent', async () => {
    await start({ keys: [{ key: KEY, scopes: ['lists:read', 'profiles:read'] }] });
    const result = await push([join(FIXTURES, 'nasty.csv')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/lists:write|profiles:write/);
    expect(sandbox!.stats().jobsCreated).toBe(0);
    expectNoKey(result.stdout, result.stderr);
  });

  it('refuses an unknown list with exit 3, naming it', async () => {
    await start();
    const result = await runCli(['push', '--list', 'NoSuch', '--yes', join(FIXTURES, 'nasty.csv')], {
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/NoSuch/);
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });

  it('sends nothing when a line near the end of the file is malformed (exit 2, file and line named)', async () => {
    await start();
    const file = join(makeTempDir(), 'broken.csv');
    const rows = Array.from({ length: 500 }, (_, i) => `user${i}@example.com,User ${i}`);
    writeFileSync(file, `email,name\n${rows.join('\n')}\nlast@example.com,"unclosed\n`);
    const result = await push([file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('broken.csv');
    expect(result.stderr).toMatch(/line 502/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(sandbox!.stats().jobsCreated).toBe(0);
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  });

  it('--dry-run touches no network at all', async () => {
    await start();
    const result = await runCli(['push', '--list', LIST, '--dry-run', join(FIXTURES, 'nasty.csv')], {
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/dry run/);
  });
});
