import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { writeParquetFixture } from '../helpers/parquet-fixtures.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_secret_key_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 } });
  return sandbox;
}

function cli(args: string[], input?: Buffer) {
  return runCli(args, { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url }, ...(input ? { input } : {}) });
}

function csvOf(emails: readonly string[], delimiter = ','): string {
  return `email${delimiter}first_name\n${emails.map((email, i) => `${email}${delimiter}Name ${i}`).join('\n')}\n`;
}

function emailsOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
}

describe('compressed segments', () => {
  it('pushes a .csv.gz file: the sandbox receives exactly its profiles', async () => {
    await start();
    const emails = emailsOf('gz', 25);
    const file = join(makeTempDir(), 'segment.csv.gz');
    writeFileSync(file, gzipSync(csvOf(emails)));
    const result = await cli(['push', '--list', LIST, '--yes', file, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 25, valid: 25, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });

  it('pushes gzip from standard input, told by its bytes', async () => {
    await start();
    const emails = emailsOf('stdin', 7);
    const result = await cli(['push', '--list', LIST, '--yes', '-'], gzipSync(csvOf(emails, '|')));
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });

  it('validates a gzip file named like plain CSV', async () => {
    const file = join(makeTempDir(), 'segment.csv');
    writeFileSync(file, gzipSync(csvOf(emailsOf('v', 3))));
    const result = await runCli(['validate', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows.valid).toBe(3);
  });

  it('refuses a truncated gzip file with exit 2 naming it, and sends nothing', async () => {
    await start();
    const dir = makeTempDir();
    const file = join(dir, 'cut.csv.gz');
    const whole = gzipSync(csvOf(emailsOf('cut', 5_000)));
    writeFileSync(file, whole.subarray(0, whole.length - 200));
    const result = await cli(['push', '--list', LIST, '--yes', file, '--rejects', join(dir, 'rejects.csv')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: the gzip data ends too soon: the file is truncated`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
    expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).not.toContain('@');
  });

  it('refuses a zstd file with exit 2 and one sentence', async () => {
    const file = join(makeTempDir(), 'segment.csv.zst');
    writeFileSync(file, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00]));
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is compressed with zstd, which this version of Node.js cannot read');
  });
});

/** A warehouse unload: gzip parts, with the marker and checksum files Spark and Hadoop write beside them. */
function writePartsFolder(parts: readonly string[], name = 'unload'): string {
  const folder = join(makeTempDir(), name);
  mkdirSync(folder);
  parts.forEach((text, index) => writeFileSync(join(folder, `${String(index).padStart(4, '0')}_part_00.gz`), gzipSync(text)));
  writeFileSync(join(folder, '_SUCCESS'), '');
  writeFileSync(join(folder, '.0000_part_00.gz.crc'), 'not data');
  return folder;
}

describe('segments of several files', () => {
  it('pushes a folder of gzip parts (pipe-delimited), leaving out _SUCCESS and .crc: exactly its profiles', async () => {
    await start();
    const emails = emailsOf('part', 30);
    const folder = writePartsFolder([csvOf(emails.slice(0, 10), '|'), csvOf(emails.slice(10, 20), '|'), csvOf(emails.slice(20), '|')]);
    const dir = makeTempDir();
    const result = await cli(['push', '--list', LIST, '--yes', folder, '--json', '--report', join(dir, 'report.json')]);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.rows).toEqual({ read: 30, valid: 30, rejected: 0, duplicates: 0 });
    expect(report.files).toEqual(['0000_part_00.gz', '0001_part_00.gz', '0002_part_00.gz'].map((name) => join(folder, name)));
  });

  it('pushes a Redshift UNLOAD as written by default (no header, pipes, no quoting) with --no-header --quote none', async () => {
    await start();
    const emails = emailsOf('rs', 20);
    const unload = (slice: readonly string[], offset: number) =>
      slice.map((email, i) => `${email}|O"Neil ${offset + i}|"VIP`).join('\n') + '\n';
    const folder = writePartsFolder([unload(emails.slice(0, 10), 0), unload(emails.slice(10), 10)], 'redshift');
    const quoted = await cli(['validate', '--no-header', '--email-field', '1', folder]);
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toMatch(/0000_part_00\.gz, line 1/);
    const args = ['--no-header', '--quote', 'none', '--email-field', '1', '--map', 'last_name=2', '--map', 'properties.tier=3'];
    const result = await cli(['push', '--list', LIST, '--yes', ...args, folder, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 20, valid: 20, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    expect(sandbox!.profileAttributes(emails[12]!)).toMatchObject({ last_name: 'O"Neil 12', properties: { tier: '"VIP' } });
  });

  it("pushes a folder with empty parts (zero bytes, an empty gzip) among the others: exactly the others' profiles", async () => {
    await start();
    const emails = emailsOf('empty', 20);
    const folder = writePartsFolder(['', csvOf(emails.slice(0, 10), '|'), '', csvOf(emails.slice(10), '|')], 'with-empty');
    writeFileSync(join(folder, '0004_part_00'), '');
    const result = await cli(['push', '--list', LIST, '--yes', folder, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 20, valid: 20, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });

  it('pushes several paths as one segment, deduping across them; each rejected row names its file and line', async () => {
    await start();
    const dir = makeTempDir();
    const first = join(dir, 'export-000000000000.csv.gz');
    const second = join(dir, 'export-000000000001.csv');
    writeFileSync(first, gzipSync('email,first_name\na@example.com,Ann\nnot-an-email,Bad\n'));
    writeFileSync(second, 'email,first_name\nb@example.com,Bob\nA@example.com,Ann again\n');
    const rejects = join(dir, 'out', 'rejects.csv');
    const result = await cli(['push', '--list', LIST, '--yes', first, second, '--rejects', rejects, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.rows).toEqual({ read: 4, valid: 2, rejected: 1, duplicates: 1 });
    expect(summary.duplicates).toEqual({ count: 1, lines: [3], files: [second] });
    expect(summary.rejectedByReason[0]).toMatchObject({ reason: 'invalid_email', lines: [3], files: [first] });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['a@example.com', 'b@example.com']);
    const rows = readFileSync(rejects, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('file,line,reason,detail,email,first_name');
    expect(rows[1]).toMatch(new RegExp(`^${first},3,invalid_email,`));
    expect(rows[2]).toBe(`${second},3,duplicate,"Same email as line 2 of ${first}, which is the one sent.",A@example.com,Ann again`);
  });

  it('refuses parts whose headers disagree with exit 2 naming the part, and sends nothing', async () => {
    await start();
    const folder = writePartsFolder([csvOf(emailsOf('h', 5)), 'email,last_name\nz@example.com,Z\n']);
    const result = await cli(['push', '--list', LIST, '--yes', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(folder, '0001_part_00.gz')}, line 1: its columns (email, last_name) differ from those`);
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  });

  it('refuses a folder whose last part is a truncated gzip with exit 2 naming it, and sends nothing', async () => {
    await start();
    const folder = writePartsFolder([csvOf(emailsOf('ok', 50))]);
    const whole = gzipSync(csvOf(emailsOf('cut', 5_000)));
    writeFileSync(join(folder, '0001_part_00.gz'), whole.subarray(0, whole.length - 100));
    const result = await cli(['push', '--list', LIST, '--yes', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(folder, '0001_part_00.gz')}: the gzip data ends too soon`);
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  });

  it('verifies a folder of parts against the list it was pushed to', async () => {
    await start();
    const emails = emailsOf('verify', 12);
    const folder = writePartsFolder([csvOf(emails.slice(0, 6)), csvOf(emails.slice(6))]);
    expect((await cli(['push', '--list', LIST, '--yes', folder])).code).toBe(0);
    const verified = await cli(['verify', '--list', LIST, folder, '--all', '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      present: 12,
      files: [join(folder, '0000_part_00.gz'), join(folder, '0001_part_00.gz')],
    });
  });
});

describe('a Spark folder of Parquet parts', () => {
  it('pushes part-*.zstd.parquet files beside _SUCCESS and .crc files, deduping across them: exactly their profiles', async () => {
    await start();
    const folder = join(makeTempDir(), 'spark-out');
    mkdirSync(folder);
    const parts = [
      ['a@example.com', 'b@example.com'],
      ['c@example.com', 'A@example.com'],
    ];
    for (const [index, emails] of parts.entries()) {
      await writeParquetFixture(join(folder, `part-0000${index}-6f1c.c000.zstd.parquet`), {
        codec: 'ZSTD',
        columnData: [{ name: 'email', data: emails, type: 'STRING' }],
      });
      writeFileSync(join(folder, `.part-0000${index}-6f1c.c000.zstd.parquet.crc`), 'not data');
    }
    writeFileSync(join(folder, '_SUCCESS'), '');
    const result = await cli(['push', '--list', LIST, '--yes', folder, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.rows).toEqual({ read: 4, valid: 3, rejected: 0, duplicates: 1 });
    expect(summary.duplicates.files).toEqual([join(folder, 'part-00001-6f1c.c000.zstd.parquet')]);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });
});
