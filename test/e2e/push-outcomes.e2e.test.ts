import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_outcomes_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function push(file: string, args: string[] = []) {
  sandbox ??= await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 100_000 } });
  return runCli(['push', '--list', LIST, '--yes', '--state-dir', makeTempDir(), file, ...args], {
    env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
  });
}

function writeFile(name: string, text: string): string {
  const file = join(makeTempDir(), name);
  writeFileSync(file, text);
  return file;
}

describe('push outcomes a cron job must not mistake for success', () => {
  it('exits 1 when no row of a non-empty file is valid, sending nothing', async () => {
    const file = writeFile('nulls.csv', 'email,name\nNULL,Ann\nnot-an-email,Bob\n,Cy\n');
    const result = await push(file, ['--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).outcome).toBe('nothing-to-send');
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });

  it('refuses a header-only file (exit 2) unless --allow-empty, and a file with too many rejected rows; validate predicts both', async () => {
    const empty = writeFile('empty.csv', 'email,name\n');
    const refused = await push(empty);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/rows read\s+0/);
    expect(refused.stdout).toContain(
      'Refused: the file holds no data row, only a header (or nothing); nothing was sent. If the segment may be empty, pass --allow-empty.',
    );
    expect(refused.stdout).not.toMatch(/every valid profile was imported/);

    const allowed = await push(empty, ['--allow-empty', '--json']);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ outcome: 'empty', rows: { read: 0 }, delivery: null });

    // 1 of 4 rows rejected is 25%: more than --max-rejected 20.
    const mixed = writeFile('mixed.csv', 'email\na@example.com\nb@example.com\nc@example.com\nnot-an-email\n');
    const tooMany = await push(mixed, ['--max-rejected', '20%', '--min-rows', '4']);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stdout).toContain('Refused: 25% of the rows were rejected (1 of 4), more than --max-rejected allows; nothing was sent.');
    expect(sandbox!.stats().jobsCreated).toBe(0);

    const predicted = await runCli(['validate', '--json', mixed, '--max-rejected', '20'], { env: {} });
    expect(predicted.code).toBe(2);
    expect(JSON.parse(predicted.stdout).outcome).toBe('too-many-rejected');
    const tooFew = await runCli(['validate', mixed, '--min-rows', '5'], { env: {} });
    expect(tooFew.code).toBe(2);
    expect(tooFew.stdout).toContain('Refused: the file holds 4 data rows, fewer than --min-rows; nothing was sent.');
  });
});

describe('JSON sources whose objects do not share their keys', () => {
  it('maps a key that first appears late in the file, and keeps the rejects file rectangular', async () => {
    const lines = [
      '{"email":"bad-1"}',
      // Enough objects (~400 KB) that the reader has handed on the first ones before it meets "city".
      ...Array.from({ length: 12_000 }, (_, i) => JSON.stringify({ email: `user-number-${i}@example.com` })),
      '{"email":"late@example.com","city":"Paris"}',
      '{"email":"bad-2","city":"Lyon","tier":"gold"}',
    ];
    const file = writeFile('late.ndjson', `${lines.join('\n')}\n`);
    const rejects = join(makeTempDir(), 'rejects.csv');
    const result = await push(file, ['--map', 'location.city=city', '--rejects', rejects, '--json']);
    expect(result.code).toBe(0);
    const rows = parse<Record<string, string>>(readFileSync(rejects, 'utf8'), { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(['line', 'reason', 'detail', 'email', 'other_fields']);
    expect(rows.map((row) => row.line)).toEqual(['1', '12003']);
    expect(JSON.parse(rows[1]!.other_fields!)).toEqual({ city: 'Lyon', tier: 'gold' });
  });

  it('refuses, before sending anything, a mapped key that no object holds', async () => {
    const file = writeFile('s.ndjson', '{"email":"a@example.com"}\n{"email":"b@example.com"}\n');
    const result = await push(file, ['--map', 'location.city=cty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"cty" does not appear in any object of .*s\.ndjson/);
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });
});

describe('a JSON file on one line (minified)', () => {
  it('names every rejected row by its array element, before sending and after Klaviyo refused it', async () => {
    sandbox = await startSandbox({
      keys: [{ key: KEY, scopes: 'all' }],
      jobProcessing: { queuedMs: 20, profilesPerSecond: 100_000 },
      faults: { refuseEmailPattern: /^refused@/ },
    });
    const objects = [
      { email: 'a@example.com' },
      { email: 'nope' },
      { email: 'refused@example.com' },
      { email: 'A@example.com' },
      { email: 'b@example.com' },
    ];
    const file = writeFile('min.json', JSON.stringify(objects));
    const rejects = join(makeTempDir(), 'rejects.csv');
    const result = await push(file, ['--rejects', rejects, '--json']);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary.rejectedByReason[0].elements).toEqual([1]);
    expect(summary.duplicates.elements).toEqual([3]);
    expect(summary.delivery.refusedByKlaviyo[0].elements).toEqual([2]);
    const rows = parse<Record<string, string>>(readFileSync(rejects, 'utf8'), { columns: true });
    expect(rows.map((row) => [row.line, row.element, String(row.reason).replace(/^klaviyo_.*/, 'klaviyo')])).toEqual([
      ['1', '1', 'invalid_email'],
      ['1', '3', 'duplicate'],
      ['1', '2', 'klaviyo'],
    ]);
    expect(rows[1]!.detail).toMatch(/element 0/);
  });
});

describe('--log-format json', () => {
  it('keeps stderr one JSON object per line even for an error, and ends a run with a done event', async () => {
    const bad = writeFile('s.csv', 'email,name\na@example.com,Ann\n');
    const failed = await push(bad, ['--log-format', 'json', '--map', 'phone_number=Nope']);
    expect(failed.code).toBe(2);
    const errorEvents = failed.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(errorEvents.at(-1)).toMatchObject({ level: 'error', event: 'error', exitCode: 2 });

    const ok = await push(bad, ['--log-format', 'json', '-q']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    const events = ok.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({ event: 'done', outcome: 'delivered', imported: 1, rows: 1 });
  });
});
