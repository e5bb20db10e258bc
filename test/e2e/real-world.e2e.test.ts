import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { FIXTURES, makeTempDir, runCli, type CliResult } from '../helpers/run-cli.js';

/**
 * Segment files as CDPs, spreadsheets and databases write them (test/fixtures/real-world/), pushed
 * or validated through the built CLI. Each file's quirks are described where it is generated.
 */
const REAL_WORLD = join(FIXTURES, 'real-world');
const KEY = 'pk_e2e_real_world_0123456789abcdef';
const LIST = 'Y6nRLr';
const REVISION = '2026-07-15';
const EMAIL_ADDRESS = /[\w.+-]+@[\w-]+\.\w/;

let sandbox: SandboxHandle | undefined;
const tempDirs: string[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function trackedTempDir(): string {
  const dir = makeTempDir();
  tempDirs.push(dir);
  return dir;
}

async function pushFile(file: string, args: string[]): Promise<{ result: CliResult; dir: string }> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 } });
  const dir = makeTempDir();
  tempDirs.push(dir);
  const result = await runCli(
    ['push', '--list', LIST, '--yes', join(REAL_WORLD, file), '--rejects', 'rejects.csv', '--report', 'report.json', ...args],
    { cwd: dir, env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url } },
  );
  return { result, dir };
}

interface ListedProfile {
  email: string;
  phone_number: string | null;
  first_name: string | null;
  last_name: string | null;
  external_id: string | null;
  location: { city?: string | null; zip?: string | null } | null;
}

/** The list's profiles as Klaviyo's API returns them, by email. */
async function listProfiles(): Promise<Map<string, ListedProfile>> {
  const response = await fetch(`${sandbox!.url}/api/lists/${LIST}/profiles?page%5Bsize%5D=100`, {
    headers: { Authorization: `Klaviyo-API-Key ${KEY}`, revision: REVISION, accept: 'application/vnd.api+json' },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: { attributes: ListedProfile }[] };
  return new Map(body.data.map(({ attributes }) => [attributes.email.toLowerCase(), attributes]));
}

function readRejects(dir: string): Record<string, string>[] {
  return parse<Record<string, string>>(readFileSync(join(dir, 'rejects.csv'), 'utf8'), { columns: true });
}

function readReport(dir: string): { text: string; rows: unknown; warnings: { reason: string; lines: number[] }[] } {
  const text = readFileSync(join(dir, 'report.json'), 'utf8');
  const report = JSON.parse(text) as { rows: unknown; warnings: { reason: string; lines: number[] }[] };
  return { text, rows: report.rows, warnings: report.warnings };
}

describe('real-world segment files through push', () => {
  it('Excel (German locale): BOM, semicolons, CRLF, "E-Mail", national phones with --default-country DE, ZIPs keep their zero', async () => {
    const { result, dir } = await pushFile('excel-de.csv', [
      '--map',
      'first_name=Vorname',
      '--map',
      'phone_number=Telefon',
      '--map',
      'location.zip=PLZ',
      '--default-country',
      'DE',
    ]);
    expect(result.code).toBe(0);
    const profiles = await listProfiles();
    expect([...profiles.keys()].sort()).toEqual(['anna@example.de', 'bernd@example.de', 'carla@example.de']);
    expect(profiles.get('anna@example.de')).toMatchObject({ first_name: 'Anna', phone_number: '+4915112345678' });
    expect(profiles.get('bernd@example.de')).toMatchObject({ phone_number: '+49301234567' });
    expect(profiles.get('carla@example.de')).toMatchObject({ phone_number: null });
    expect(readRejects(dir).map((row) => [row.line, row.reason, row.PLZ])).toEqual([['4', 'blank_email', '20095']]);
    const report = readReport(dir);
    expect(report.rows).toEqual({ read: 4, valid: 3, rejected: 1, duplicates: 0 });
    expect(report.warnings).toEqual([]);
  });

  it('a CRM export: every row is delivered or rejected with its line; emails are trimmed and deduplicated case-insensitively', async () => {
    const { result, dir } = await pushFile('crm-export.csv', [
      '--map',
      'first_name=First Name',
      '--map',
      'phone_number=Phone Number',
      '--default-country',
      'US',
    ]);
    expect(result.code).toBe(0);
    const profiles = await listProfiles();
    expect([...profiles.keys()].sort()).toEqual([
      'ann+newsletter@example.com',
      'bob@example.com',
      'fay@xn--bcher-kva.de',
      'hal@example.com',
    ]);
    // The first occurrence wins: Bob, not Bobby from the duplicate on line 4.
    expect(profiles.get('bob@example.com')).toMatchObject({ first_name: 'Bob', phone_number: '+14155552672' });
    expect(profiles.get('ann+newsletter@example.com')).toMatchObject({ phone_number: '+14155552671' });
    expect(profiles.get('hal@example.com')).toMatchObject({ first_name: 'Hal', phone_number: null });

    const rejects = readRejects(dir).map((row) => [row.line, row.reason]);
    expect(rejects).toEqual([
      ['4', 'duplicate'],
      ['5', 'invalid_email'], // mailto: prefix
      ['6', 'invalid_email'], // two addresses in one cell
      ['7', 'invalid_email'], // raw Unicode domain (punycode on line 8 is accepted)
      ['9', 'invalid_email'], // trailing dot
      ['11', 'blank_email'],
    ]);
    const report = readReport(dir);
    expect(report.rows).toEqual({ read: 10, valid: 4, rejected: 5, duplicates: 1 });
    expect(report.warnings).toEqual([expect.objectContaining({ reason: 'phone_number', lines: [10] })]);
    expect(report.text).not.toMatch(EMAIL_ADDRESS);
    expect(result.stdout + result.stderr).not.toMatch(EMAIL_ADDRESS);
  });

  it('an API dump {"meta", "profiles": [...]}: numbers become text fields, nulls are skipped, objects in text fields are left out with a warning', async () => {
    const { result, dir } = await pushFile('api-export.json', [
      '--map',
      'first_name=first_name',
      '--map',
      'phone_number=phone',
      '--default-country',
      'US',
      '--map',
      'external_id=id',
      '--map',
      'location.city=address',
      '--map',
      'properties.vip=vip',
    ]);
    expect(result.code).toBe(0);
    const profiles = await listProfiles();
    expect([...profiles.keys()].sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(profiles.get('ann@example.com')).toMatchObject({ first_name: 'Ann', phone_number: '+14155552671', external_id: '1001' });
    expect(profiles.get('bob@example.com')).toMatchObject({ first_name: null, phone_number: null, external_id: '1002' });
    // The line where each refused object starts.
    expect(readRejects(dir).map((row) => [row.line, row.reason, row.id])).toEqual([
      ['25', 'blank_email', '1003'],
      ['30', 'blank_email', '1004'],
    ]);
    expect(readReport(dir).warnings).toEqual([expect.objectContaining({ reason: 'location.city', lines: [7] })]);
  });

  it('NDJSON from Windows: CRLF, blank lines and no final newline; lines are counted as in an editor', async () => {
    const { result, dir } = await pushFile('events.ndjson', ['--map', 'properties.plan=plan']);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(readRejects(dir).map((row) => [row.line, row.reason])).toEqual([
      ['4', 'invalid_email'],
      ['5', 'duplicate'],
    ]);
  });

  it('a database TSV: "email_address" is found, a quoted tab stays inside its value', async () => {
    const { result, dir } = await pushFile('warehouse.tsv', []);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(readReport(dir).rows).toEqual({ read: 2, valid: 2, rejected: 0, duplicates: 0 });
  });
});

describe('real-world encodings and columns: read with no reading option (Windows-1252 needs --encoding)', () => {
  it.each([
    ['excel-unicode-text.txt', [], ['ann@example.com', 'bob@example.com', 'chloe@example.com', 'zoe@example.com']],
    [
      'excel-de-windows-1252.csv',
      ['--encoding', 'windows-1252'],
      ['grete.weiss@example.de', 'hans.gross@example.de', 'juergen.mueller@example.de'],
    ],
    [
      'cdp-export.csv',
      [],
      ['ann@example.com', 'bob@example.com', 'dan@example.org', ...Array.from({ length: 10 }, (_, i) => `user${i}@example.net`)],
    ],
  ])('%s is pushed exactly with no option but %j', async (file, args, emails) => {
    const { result } = await pushFile(file, args);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });

  it('Excel "Unicode Text" (UTF-16 LE with a BOM, tabs, CRLF, a blank line): decoded by its BOM', async () => {
    const { result, dir } = await pushFile('excel-unicode-text.txt', [
      '--map',
      'first_name=First Name',
      '--map',
      'last_name=Last Name',
      '--map',
      'location.city=City',
    ]);
    expect(result.code).toBe(0);
    const profiles = await listProfiles();
    expect([...profiles.keys()].sort()).toEqual(['ann@example.com', 'bob@example.com', 'chloe@example.com', 'zoe@example.com']);
    expect(profiles.get('ann@example.com')).toMatchObject({ first_name: 'Ann', last_name: 'Müller', location: { city: 'München' } });
    expect(profiles.get('bob@example.com')).toMatchObject({ last_name: '李', location: { city: '北京' } });
    expect(profiles.get('chloe@example.com')).toMatchObject({
      first_name: 'Chloé',
      last_name: "O'Brien",
      location: { city: 'Saint-Étienne' },
    });
    expect(profiles.get('zoe@example.com')).toMatchObject({ first_name: 'Zoë', last_name: 'Παπαδοπούλου' });
    expect(readReport(dir).rows).toEqual({ read: 4, valid: 4, rejected: 0, duplicates: 0 });
  });

  it('a German Excel CSV in Windows-1252 (";", CRLF, ß, ü, €, curly quotes) with --encoding windows-1252', async () => {
    const { result, dir } = await pushFile('excel-de-windows-1252.csv', [
      '--encoding',
      'windows-1252',
      '--map',
      'first_name=Vorname',
      '--map',
      'last_name=Nachname',
      '--map',
      'location.address1=Straße',
      '--map',
      'location.zip=PLZ',
      '--map',
      'location.city=Ort',
      '--map',
      'properties.Umsatz=Umsatz',
    ]);
    expect(result.code).toBe(0);
    const profiles = await listProfiles();
    expect([...profiles.keys()].sort()).toEqual(['grete.weiss@example.de', 'hans.gross@example.de', 'juergen.mueller@example.de']);
    expect(profiles.get('juergen.mueller@example.de')).toMatchObject({
      first_name: 'Jürgen',
      last_name: 'Müller',
      location: { zip: '01067', city: 'Dresden' },
    });
    expect(profiles.get('grete.weiss@example.de')).toMatchObject({ last_name: 'Weiß', location: { city: 'Düsseldorf' } });
    expect(profiles.get('hans.gross@example.de')).toMatchObject({ last_name: 'Groß – Öztürk', location: { city: 'München' } });
    expect(readRejects(dir).map((row) => [row.line, row.reason, row.Ort])).toEqual([['4', 'blank_email', 'Köln']]);
    expect(readReport(dir).rows).toEqual({ read: 4, valid: 3, rejected: 1, duplicates: 0 });
  });

  it('a CDP export whose email column is "PrimaryEmail": found by its values, with a notice naming it', async () => {
    const { result, dir } = await pushFile('cdp-export.csv', []);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Using column "PrimaryEmail" as the email column');
    const expected = [
      'ann@example.com',
      'bob@example.com',
      'dan@example.org',
      ...Array.from({ length: 10 }, (_, i) => `user${i}@example.net`),
    ];
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(expected.sort());
    expect(readRejects(dir).map((row) => [row.line, row.reason])).toEqual([
      ['4', 'blank_email'],
      ['6', 'invalid_email'],
    ]);
    expect(result.stdout + result.stderr).not.toMatch(EMAIL_ADDRESS);
  });
});

describe('JSON keys found by their values', () => {
  it('the one key holding email addresses is used, with a notice; two such keys stop the run naming them', async () => {
    const dir = trackedTempDir();
    writeFileSync(
      join(dir, 'cdp.ndjson'),
      '{"id":1,"PrimaryEmail":"ann@example.com"}\n{"id":2,"PrimaryEmail":"bob@example.com","tags":["x"]}\n',
    );
    writeFileSync(join(dir, 'two.json'), '[{"id":1,"Primary":"ann@example.com","Backup":"ann@example.org"}]');
    const found = await runCli(['validate', 'cdp.ndjson', '--json'], { cwd: dir });
    expect(found.code).toBe(0);
    expect(found.stderr).toContain('Using column "PrimaryEmail" as the email column');
    expect(JSON.parse(found.stdout)).toMatchObject({ rows: { read: 2, valid: 2 } });
    const ambiguous = await runCli(['validate', 'two.json'], { cwd: dir });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('Several columns hold email addresses (Primary, Backup) in two.json');
  });
});

describe('a CSV without a header line: --no-header, columns named by number', () => {
  it('pushes with --email-field and --map given as 1-based column numbers', async () => {
    const { result, dir } = await pushFile('headerless.csv', [
      '--no-header',
      '--email-field',
      '2',
      '--map',
      'first_name=1',
      '--map',
      'phone_number=3',
      '--map',
      'location.city=4',
    ]);
    expect(result.code).toBe(0);
    const profiles = await listProfiles();
    expect([...profiles.keys()].sort()).toEqual(['ann@example.com', 'bob@example.com', 'dan@example.com']);
    expect(profiles.get('ann@example.com')).toMatchObject({
      first_name: 'Ann',
      phone_number: '+14155550123',
      location: { city: 'Boston' },
    });
    expect(readRejects(dir).map((row) => [row.line, row.reason, row['1']])).toEqual([['3', 'blank_email', 'Cara']]);
    expect(readReport(dir).rows).toEqual({ read: 4, valid: 3, rejected: 1, duplicates: 0 });
  });

  it('without --no-header, the first row is refused as a header, pointing at --no-header', async () => {
    const result = await runCli(['validate', join(REAL_WORLD, 'headerless.csv')], { cwd: trackedTempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/looks like data .* pass --no-header/);
    expect(result.stderr).not.toMatch(EMAIL_ADDRESS);
  });
});

describe('JSON edge cases and personal data in messages: exit 2, one sentence, nothing sent', () => {
  it.each([
    [
      'deep.ndjson',
      `{"email":"a@example.com","p":${'['.repeat(20_000)}${']'.repeat(20_000)}}\n`,
      /deep\.ndjson, line 1: this line nests arrays and objects more than 100 levels deep/,
    ],
    [
      'case.json',
      '[{"email":"a@example.com","Email":"b@example.com"}]',
      /case\.json, line 1: element 1 of the array has the keys "email" and "Email", which differ only by case/,
    ],
    ['phones.csv', '+14155550123,+14155550123\n', /column "<phone number>" appears twice in the header/],
  ])('%s', async (name, content, says) => {
    const dir = makeTempDir();
    tempDirs.push(dir);
    writeFileSync(join(dir, name), content);
    const result = await runCli(['validate', name, '--map', 'properties.p=p'], { cwd: dir });
    expect(result.code).toBe(2);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(says);
    expect(result.stderr).not.toMatch(EMAIL_ADDRESS);
    expect(result.stderr).not.toMatch(/4155550123/);
  });
});

describe('a file that is not UTF-8 and no --encoding: exit 2 naming the file, the line and the byte, nothing sent', () => {
  it.each([
    [
      'Windows-1252',
      'windows-1252.csv',
      [/windows-1252\.csv, line 3, column 21\b/, /0x93/, /not valid UTF-8/, /pass --encoding windows-1252/],
    ],
    ['German Windows-1252', 'excel-de-windows-1252.csv', [/line 1, column 29\b/, /0xDF/, /pass --encoding windows-1252/]],
  ])('%s', async (_name, file, says) => {
    const result = await runCli(['validate', join(REAL_WORLD, file)], { cwd: trackedTempDir() });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    for (const pattern of says) expect(errors[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toMatch(EMAIL_ADDRESS);
  });
});
