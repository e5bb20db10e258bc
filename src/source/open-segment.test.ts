import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { InputFileError, InternalError, UsageError } from '../errors.js';
import { openSegment } from './open-segment.js';
import type { SegmentFormat, SourceRecord } from './source-record.js';

const fixtures = join(import.meta.dirname, '../../test/fixtures/source');
const scratch = mkdtempSync(join(tmpdir(), 'klaviyo-export-source-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function scratchFile(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

async function readAll(records: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function openError(options: Parameters<typeof openSegment>[0]): Promise<unknown> {
  return openSegment(options).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('openSegment on files', () => {
  test.each([
    ['semicolon-bom-crlf.csv', 'csv', ['email', 'first_name', 'zip'], [2, 4, 7]],
    ['profiles.json', 'json', ['email', 'first_name', 'zip', 'age', 'vip', 'address'], [4, 5]],
    ['profiles.ndjson', 'ndjson', ['email', 'first_name', 'tags'], [1, 4]],
  ])('%s is read by its extension, and its digest is the sha256 of its bytes', async (name, format, columns, lines) => {
    const path = join(fixtures, name);
    const segment = await openSegment({ input: path });
    expect(segment.format).toBe(format);
    expect(segment.displayName).toBe(path);
    const records = await readAll(segment.records);
    expect(segment.columns).toEqual(columns);
    expect(records.map((record) => record.line)).toEqual(lines);
    expect(segment.contentDigest()).toBe(sha256(readFileSync(path)));
  });

  test('a file of many chunks streams every row with exact lines and digest', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => `user${index}@example.com,"Name ${index}",0${index}`);
    const content = `email,name,zip\n${rows.join('\n')}\n`;
    const path = scratchFile('many.csv', content);
    const segment = await openSegment({ input: path });
    let count = 0;
    let last: SourceRecord | undefined;
    for await (const record of segment.records) {
      count++;
      last = record;
    }
    expect(count).toBe(30_000);
    expect(last).toEqual({ line: 30_001, fields: { email: 'user29999@example.com', name: 'Name 29999', zip: '029999' } });
    expect(segment.contentDigest()).toBe(sha256(Buffer.from(content)));
  });

  test('recordBatches gives the same records as records, in several batches, and the digest', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => `user${index}@example.com,"Name ${index}",0${index}`);
    const content = `email,name,zip\n${rows.join('\n')}\n`;
    const path = scratchFile('many-batches.csv', content);
    const expected = await readAll((await openSegment({ input: path })).records);
    const segment = await openSegment({ input: path });
    const batches: (readonly SourceRecord[])[] = [];
    for await (const batch of segment.recordBatches) batches.push(batch);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(expected);
    expect(segment.contentDigest()).toBe(sha256(Buffer.from(content)));
  });

  test('the format option overrides the extension', async () => {
    const path = scratchFile('export.dat', '{"email":"a@example.com"}\n');
    const segment = await openSegment({ input: path, format: 'ndjson' });
    expect(await readAll(segment.records)).toEqual([{ line: 1, fields: { email: 'a@example.com' } }]);
  });

  test('contentDigest before the end is a bug in the caller', async () => {
    const segment = await openSegment({ input: join(fixtures, 'profiles.ndjson') });
    expect(() => segment.contentDigest()).toThrow(InternalError);
  });
});

describe('openSegment refuses what it cannot read, in one sentence', () => {
  test('a missing file', async () => {
    const error = await openError({ input: join(scratch, 'missing.csv') });
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(`${join(scratch, 'missing.csv')}: file not found`);
  });

  test('a directory without data files (a folder is read as the segment of its files)', async () => {
    const folder = mkdtempSync(join(scratch, 'folder-'));
    writeFileSync(join(folder, '_SUCCESS'), '');
    const error = await openError({ input: folder, format: 'csv' });
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(/: is a directory without any data file/);
  });

  test('an empty file', async () => {
    const error = await openError({ input: scratchFile('empty.csv', '') });
    expect((error as Error).message).toMatch(/empty\.csv: the file is empty$/);
  });

  test('a UTF-16 file without a byte order mark: NUL characters, and a hint', async () => {
    const error = await openError({ input: scratchFile('utf16.csv', Buffer.from('email\n', 'utf16le')) });
    expect((error as Error).message).toMatch(
      /line 1, column 2: looks like a binary file, not CSV \(it contains a NUL byte\); if it is UTF-16 without a byte order mark, pass --encoding utf-16le$/,
    );
  });

  test('a UTF-16 file read as UTF-8 on purpose (--encoding utf8): NUL characters', async () => {
    const error = await openError({ input: scratchFile('utf16-bom.csv', Buffer.from('\uFEFFemail\n', 'utf16le')), encoding: 'utf8' });
    expect((error as Error).message).toMatch(
      /line 1, column 4: looks like a binary file, not CSV \(it contains a NUL byte\); is --encoding utf-8 right\?$/,
    );
  });

  test.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('an unreadable file', async () => {
    const path = scratchFile('secret.csv', 'email\n');
    const { chmodSync } = await import('node:fs');
    chmodSync(path, 0o000);
    const error = await openError({ input: path });
    expect((error as Error).message).toMatch(/permission denied/);
  });

  test('an extension that names no format', async () => {
    const error = await openError({ input: scratchFile('segment.xlsx', 'x') });
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain('--format');
  });

  test('standard input without a format: its first bytes tell it, and none of them is lost', async () => {
    const cases: [string, SegmentFormat, number][] = [
      ['email\na@example.com\nb@example.com\n', 'csv', 2],
      ['\uFEFF  [{"email":"a@example.com"}]', 'json', 1],
      ['{ "profiles": [{"email":"a@example.com"},{"email":"b@example.com"}] }', 'json', 2],
      ['{"email":"a@example.com"}\n{"email":"b@example.com"}\n', 'ndjson', 2],
      ['{ "data" : [{"email":"a@example.com"}] }', 'json', 1],
      ['{"data": {"email":"a@example.com"}}\n{"data": {"email":"b@example.com"}}\n', 'ndjson', 2],
    ];
    for (const [text, format, count] of cases) {
      const segment = await openSegment({ input: '-', stdin: Readable.from([Buffer.from(text.slice(0, 3)), Buffer.from(text.slice(3))]) });
      expect(segment.format).toBe(format);
      const records = [];
      for await (const record of segment.records) records.push(record);
      expect(records).toHaveLength(count);
      expect(segment.contentDigest()).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  test('empty standard input', async () => {
    const error = await openError({ input: '-', stdin: Readable.from([]) });
    expect(error).toBeInstanceOf(InputFileError);
  });
});

describe('stopping early', () => {
  test('an abort stops a pending read with the signal reason and releases stdin', async () => {
    const stdin = new PassThrough();
    // The last row is unfinished, so reading it waits for more input.
    stdin.write('email\na@example.com\nb@example.com\nc@exa');
    const controller = new AbortController();
    const segment = await openSegment({ input: '-', format: 'csv', stdin, signal: controller.signal });
    const iterator = segment.records[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ line: 2 });
    expect((await iterator.next()).value).toMatchObject({ line: 3 });
    const pending = iterator.next();
    const reason = new Error('interrupted by SIGINT');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(stdin.destroyed).toBe(true);
  });

  test('an abort while opening rejects with the signal reason', async () => {
    const stdin = new PassThrough();
    const controller = new AbortController();
    const opening = openSegment({ input: '-', format: 'ndjson', stdin, signal: controller.signal });
    const reason = new Error('deadline');
    // Once pending callbacks have run, opening waits for the first bytes, which never come.
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    await expect(opening).rejects.toBe(reason);
  });

  test('an already aborted signal opens nothing', async () => {
    const reason = new Error('already');
    await expect(openSegment({ input: join(fixtures, 'profiles.json'), signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  test('a consumer that stops iterating releases the input', async () => {
    const stdin = Readable.from([Buffer.from('{"a":1}\n{"a":2}\n'), Buffer.from('{"a":3}\n')], { objectMode: false });
    const segment = await openSegment({ input: '-', format: 'ndjson', stdin });
    for await (const record of segment.records) {
      expect(record.line).toBe(1);
      break;
    }
    expect(stdin.destroyed).toBe(true);
  });

  test.skipIf(!existsSync('/proc/self/fd'))('a consumer that stops iterating closes the file', async () => {
    const path = scratchFile('close.csv', `email\n${'x@example.com\n'.repeat(100_000)}`);
    const openFiles = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(join('/proc/self/fd', fd)) === path;
        } catch {
          return false; // the descriptor closed while we looked
        }
      }).length;
    const before = openFiles();
    const segment = await openSegment({ input: path });
    expect(openFiles()).toBe(before + 1);
    for await (const record of segment.records) {
      expect(record.line).toBe(2);
      break;
    }
    // The descriptor closes asynchronously: wait for it (a leak ends in the test's timeout).
    while (openFiles() > before) await new Promise((resolve) => setImmediate(resolve));
    expect(openFiles()).toBe(before);
  });
});

describe('peekRecords', () => {
  test('reads ahead across chunks without consuming: the records still start at the first', async () => {
    const rows = Array.from({ length: 5_000 }, (_, index) => `user${index}@example.com,${index}`);
    const segment = await openSegment({ input: scratchFile('peek.csv', `email,n\n${rows.join('\n')}\n`) });
    const sample = await segment.peekRecords(1_000);
    expect(sample.map((record) => record.line)).toEqual(Array.from({ length: 1_000 }, (_, index) => index + 2));
    const records = await readAll(segment.records);
    expect(records).toHaveLength(5_000);
    expect(records[0]?.fields).toEqual({ email: 'user0@example.com', n: '0' });
  });

  test('an error met while reading ahead is thrown in its turn, after the records before it', async () => {
    const rows = Array.from({ length: 3_000 }, (_, index) => `user${index}@example.com,${index}`);
    const segment = await openSegment({ input: scratchFile('peek-bad.csv', `email,n\n${rows.join('\n')}\nbad"quote,1\n`) });
    expect(await segment.peekRecords(10_000)).toHaveLength(3_000);
    const seen: SourceRecord[] = [];
    const error = await (async () => {
      for await (const record of segment.records) seen.push(record);
    })().catch((caught: unknown) => caught);
    expect(seen).toHaveLength(3_000);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(/line 3002/);
  });
});
