import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { FIXTURES, makeTempDir, runCli } from '../helpers/run-cli.js';

/**
 * mixed-rows.csv (CRLF): line 2 ann (valid, phone), lines 3-4 an invalid email whose notes hold a quoted
 * newline, 5 a blank email, 6 a duplicate of line 2, 7 dee, 8 eve with the phone "12", 9 fay.
 */
const MIXED = join(FIXTURES, 'mixed-rows.csv');
const PHONE_ARGS = ['--map', 'phone_number=phone', '--default-country', 'US'];
const EMAIL_ADDRESS = /[\w.+-]+@[\w-]+\.\w/;

function validate(args: string[], options: { cwd?: string; input?: string } = {}) {
  return runCli(['validate', ...args], options);
}

describe('validate prints the plan and sends nothing', () => {
  it('counts rows, valid profiles, rejections by reason with their lines, duplicates, exports and requests', async () => {
    const result = await validate([MIXED, '--max-per-export', '3', '--batch-size', '2', ...PHONE_ARGS]);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/rows read\s+7\b/);
    expect(text).toMatch(/valid profiles\s+4\b/);
    expect(text).toMatch(/rejected\s+2\b/);
    expect(text).toMatch(/invalid_email: 1 \(line 3\)/);
    expect(text).toMatch(/blank_email: 1 \(line 5\)/);
    expect(text).toMatch(/duplicates\s+1 \(line 6\)/);
    // 4 valid profiles, at most 3 per export and 2 per request: exports of 3 + 1, requests 2 + 1.
    expect(text).toMatch(/exports \/ requests\s+2 \/ 3\b/);
    expect(text).toMatch(/at most 3 profiles per export/);
    expect(text).toMatch(/nothing (was )?sent/);
    expect(result.stdout + result.stderr).not.toMatch(EMAIL_ADDRESS);
  });

  it('states the --batch-size it planned with, not the Klaviyo maximum', async () => {
    const result = await validate([MIXED, '--batch-size', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\b2 per request/);
    expect(result.stdout).not.toMatch(/10,000 per request/);
  });

  it('warns about an invalid phone number, naming its line, and keeps the profile', async () => {
    const result = await validate([MIXED, ...PHONE_ARGS, '--json']);
    const summary = JSON.parse(result.stdout);
    expect(summary.rows.valid).toBe(4);
    expect(summary.warnings).toEqual([expect.objectContaining({ reason: 'phone_number', count: 1, lines: [8] })]);
    const human = await validate([MIXED, ...PHONE_ARGS]);
    expect(human.stdout).toMatch(/warning: phone_number .*not a valid phone number.*line 8/);
  });

  it('--rejects writes line, reason, detail and the original values, quoted newlines intact', async () => {
    const dir = makeTempDir();
    const result = await validate([MIXED, '--rejects', 'rejects.csv'], { cwd: dir });
    expect(result.code).toBe(0);
    const rows = parse<Record<string, string>>(readFileSync(join(dir, 'rejects.csv'), 'utf8'), { columns: true });
    expect(rows.map((row) => [row.line, row.reason])).toEqual([
      ['3', 'invalid_email'],
      ['5', 'blank_email'],
      ['6', 'duplicate'],
    ]);
    expect(rows[0]).toMatchObject({ email: 'not-an-email', name: 'Bob', phone: '', notes: 'two\r\nlines' });
    expect(rows[0]?.detail).toMatch(/valid email/);
    expect(rows[1]).toMatchObject({ email: '', name: 'Cy', notes: 'blank' });
    expect(rows[2]).toMatchObject({ email: 'ANN@example.com', name: 'Ann again' });
    expect(rows[2]?.detail).toMatch(/line 2/);
    expect(result.stderr).toMatch(/rejects\.csv/);
  });

  it('--report writes versioned JSON with counts and lines and no email address; the console shows none either', async () => {
    const dir = makeTempDir();
    const result = await validate([MIXED, '--report', 'report.json', ...PHONE_ARGS], { cwd: dir });
    expect(result.code).toBe(0);
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    const report = JSON.parse(text);
    expect(report.version).toBe(1);
    expect(report.command).toBe('validate');
    expect(report.rows).toEqual({ read: 7, valid: 4, rejected: 2, duplicates: 1 });
    expect(report.rejectedByReason.map((r: { reason: string; lines: number[] }) => [r.reason, r.lines])).toEqual([
      ['invalid_email', [3]],
      ['blank_email', [5]],
    ]);
    expect(report.duplicates.lines).toEqual([6]);
    expect(text).not.toMatch(EMAIL_ADDRESS);
    expect(text).not.toContain('not-an-email');
    expect(result.stdout + result.stderr).not.toMatch(EMAIL_ADDRESS);
  });

  it('--json prints exactly one JSON object on stdout', async () => {
    const result = await validate([MIXED, '--json', '--max-per-export', '3']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    const summary = JSON.parse(result.stdout);
    expect(summary.rows).toEqual({ read: 7, valid: 4, rejected: 2, duplicates: 1 });
    expect(summary.plan).toMatchObject({ exports: 2, maxPerExport: 3 });
    expect(result.stdout).not.toMatch(EMAIL_ADDRESS);
  });

  it('--strict with a rejected row exits 2 and says why', async () => {
    const result = await validate([MIXED, '--strict']);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/--strict/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--strict with a clean file exits 0', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'clean.csv'), 'email\na@example.com\nb@example.com\n');
    const result = await validate(['clean.csv', '--strict'], { cwd: dir });
    expect(result.code).toBe(0);
  });

  it('-q prints nothing on success', async () => {
    const result = await validate([MIXED, '-q']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
  });
});

describe('validate reads every supported format', () => {
  const CSV_ROWS = [
    ['email', 'first name'],
    ['a@example.com', 'Ann'],
    ['b@example.com', 'Bob'],
    ['nope', 'No'],
  ];
  const joinRows = (separator: string) => `${CSV_ROWS.map((row) => row.join(separator)).join('\n')}\n`;
  const PROFILES = [{ email: 'a@example.com', first: 'Ann' }, { email: 'b@example.com' }, { email: 'nope' }];

  it.each([
    ['comma CSV', 'segment.csv', joinRows(',')],
    ['TSV', 'segment.tsv', joinRows('\t')],
    ['semicolon CSV', 'segment.csv', joinRows(';')],
    ['pipe CSV', 'segment.csv', joinRows('|')],
    ['JSON array', 'segment.json', JSON.stringify(PROFILES)],
    ['JSON {profiles: [...]}', 'segment.json', JSON.stringify({ profiles: PROFILES })],
    ['NDJSON', 'segment.ndjson', `${PROFILES.map((p) => JSON.stringify(p)).join('\n')}\n`],
  ])('%s', async (_name, file, content) => {
    const dir = makeTempDir();
    writeFileSync(join(dir, file), content);
    const result = await validate([file, '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 3, valid: 2, rejected: 1, duplicates: 0 });
  });

  it.each([
    ['csv', joinRows(';')],
    ['ndjson', `${PROFILES.map((p) => JSON.stringify(p)).join('\n')}\n`],
  ])('standard input (-) with --format %s', async (format, input) => {
    const result = await validate(['-', '--format', format, '--json'], { input });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 3, valid: 2, rejected: 1, duplicates: 0 });
  });
});

describe('phone numbers as a user sees them after a push', () => {
  const KEY = 'pk_phone_e2e_secret_91c4d7e2a0';
  const LIST = 'Y6nRLr';
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function listProfiles(url: string): Promise<{ email: string; phone_number: string | null }[]> {
    const response = await fetch(`${url}/api/lists/${LIST}/profiles`, {
      headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15' },
    });
    const body = (await response.json()) as { data: { attributes: { email: string; phone_number: string | null } }[] };
    return body.data.map((profile) => profile.attributes);
  }

  it('a national number with --default-country US arrives in E.164; an invalid one is warned about by line and its email still goes', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 } });
    const dir = makeTempDir();
    writeFileSync(join(dir, 'phones.csv'), 'email,phone\nann@example.com,(201) 555-0123\nbob@example.com,12\n');
    const result = await runCli(['push', '--list', LIST, '--yes', 'phones.csv', ...PHONE_ARGS], {
      cwd: dir,
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/warning: phone_number .*line 3/);
    expect(result.stdout + result.stderr).not.toContain(KEY);
    const profiles = await listProfiles(sandbox.url);
    expect(profiles.map(({ email, phone_number }) => ({ email, phone_number })).sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      { email: 'ann@example.com', phone_number: '+12015550123' },
      { email: 'bob@example.com', phone_number: null },
    ]);
  });
});
