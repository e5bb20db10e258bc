import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { InputFileError } from '../errors.js';
import { compressionOfBytes, compressionOfName, resolveCompression } from './compression.js';
import { openSegment } from './open-segment.js';
import type { SourceRecord } from './source-record.js';

const scratch = mkdtempSync(join(tmpdir(), 'klaviyo-export-compressed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CSV = 'email,first_name\na@example.com,Ada\nb@example.com,Bo\n';

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

async function readError(input: string, stdin?: NodeJS.ReadableStream): Promise<unknown> {
  try {
    const segment = await openSegment({ input, ...(stdin ? { stdin } : {}) });
    await readAll(segment.records);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('telling the compression', () => {
  test.each([
    [[0x1f, 0x8b, 0x08, 0x00], 'gzip'],
    [[0x78, 0x9c, 0x4b, 0x4c], 'zlib'],
    [[0x78, 0xda, 0x4b, 0x4c], 'zlib'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    [[...Buffer.from('x,y\n')], undefined],
    [[...Buffer.from('email')], undefined],
    [[], undefined],
  ])('the bytes %j are %j', (bytes, compression) => {
    expect(compressionOfBytes(Uint8Array.from(bytes))).toBe(compression);
  });

  test.each([
    ['segment.csv.gz', 'gzip', 'segment.csv'],
    ['0000_part_00.GZ', 'gzip', '0000_part_00'],
    ['export-000000000000.json.gz', 'gzip', 'export-000000000000.json'],
    ['segment.ndjson.br', 'brotli', 'segment.ndjson'],
    ['segment.csv.zst', 'zstd', 'segment.csv'],
    ['segment.csv', undefined, 'segment.csv'],
  ])('the name %j says %j, and its format is in %j', (path, compression, innerName) => {
    expect(compressionOfName(path)).toEqual({ compression, innerName });
  });

  test('the bytes win over the name, and a .deflate file without a zlib header is raw deflate', () => {
    expect(resolveCompression(Buffer.from([0x1f, 0x8b]), 'segment.csv')).toBe('gzip');
    expect(resolveCompression(Buffer.from('email'), 'segment.csv.br')).toBe('brotli');
    expect(resolveCompression(Buffer.from([0x4b, 0x4c]), 'segment.csv.deflate')).toBe('deflate-raw');
    expect(resolveCompression(Buffer.from('email'), undefined)).toBeUndefined();
  });
});

describe('reading a compressed segment', () => {
  test.each([
    ['segment.csv.gz', gzipSync(CSV)],
    ['gzip-named-plain.csv', gzipSync(CSV)],
    ['segment.csv.zz', deflateSync(CSV)],
    ['segment.csv.deflate', deflateRawSync(CSV)],
    ['segment.csv.br', brotliCompressSync(CSV)],
  ])('%s is read as the CSV it holds, with its lines', async (name, bytes) => {
    const segment = await openSegment({ input: scratchFile(name, bytes) });
    expect(segment.format).toBe('csv');
    const records = await readAll(segment.records);
    expect(segment.columns).toEqual(['email', 'first_name']);
    expect(records.map((record) => [record.line, record.fields.email])).toEqual([
      [2, 'a@example.com'],
      [3, 'b@example.com'],
    ]);
    // The digest is of the text read, whatever the compression: the same rows resume the same checkpoint.
    expect(segment.contentDigest()).toBe(createHash('sha256').update(CSV).digest('hex'));
  });

  test('a Redshift part (no format in its name, pipe-delimited) is told by its content', async () => {
    const path = scratchFile('0000_part_00.gz', gzipSync('email|first_name\na@example.com|Ada\n'));
    const segment = await openSegment({ input: path });
    const records = await readAll(segment.records);
    expect(segment.format).toBe('csv');
    expect(records[0]?.fields).toEqual({ email: 'a@example.com', first_name: 'Ada' });
  });

  test('a BigQuery shard (.json.gz, one object a line) is told by its content', async () => {
    const path = scratchFile('export-000000000000.json.gz', gzipSync('{"email":"a@example.com"}\n'));
    expect((await openSegment({ input: path })).format).toBe('ndjson');
    const ndjson = scratchFile('export-000000000001.ndjson.gz', gzipSync('{"email":"a@example.com"}\n{"email":"b@example.com"}\n'));
    expect((await readAll((await openSegment({ input: ndjson })).records)).length).toBe(2);
  });

  test('a multi-member gzip file (parts concatenated) is read whole', async () => {
    const path = scratchFile('members.csv.gz', Buffer.concat([gzipSync('email\na@example.com\n'), gzipSync('b@example.com\n')]));
    const records = await readAll((await openSegment({ input: path })).records);
    expect(records.map((record) => record.fields.email)).toEqual(['a@example.com', 'b@example.com']);
  });

  test('gzip on standard input is told by its bytes, then its format by its content', async () => {
    const segment = await openSegment({ input: '-', stdin: Readable.from([gzipSync('{"email":"a@example.com"}\n')]) });
    expect(segment.format).toBe('ndjson');
    expect((await readAll(segment.records)).map((record) => record.fields.email)).toEqual(['a@example.com']);
  });

  test('a truncated gzip file is an InputFileError naming the file, after the rows before the cut', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => `user${index}@example.com,Name ${index}`).join('\n');
    const whole = gzipSync(`email,name\n${rows}\n`);
    const path = scratchFile('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await readError(path);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(
      `${path}: the gzip data ends too soon: the file is truncated (cut short while being written or copied) (unexpected end of file)`,
    );
  });

  test('a gzip file whose checksum does not match is damaged', async () => {
    const bytes = gzipSync(CSV);
    bytes[bytes.length - 6]! ^= 0xff; // the CRC-32
    const error = await readError(scratchFile('damaged.csv.gz', bytes));
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(
      /damaged\.csv\.gz: the gzip data is damaged and cannot be decompressed \(incorrect data check\)$/,
    );
  });

  test('a truncated gzip on standard input names <stdin>', async () => {
    const error = await readError('-', Readable.from([gzipSync(CSV).subarray(0, 20)]));
    expect((error as Error).message).toMatch(/^<stdin>: the gzip data ends too soon/);
  });

  test.each([
    ['by its bytes', 'segment.csv', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0])],
    ['by its name', 'segment.csv.zst', Buffer.from('email\n')],
  ])('zstd, told %s, is refused with one sentence', async (_how, name, bytes) => {
    const path = scratchFile(name, bytes);
    const error = await readError(path);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(
      `${path}: is compressed with zstd, which this version of Node.js cannot read: decompress it first (zstd -d), or export it as gzip`,
    );
  });

  test('a plain file without a format in its name is still refused by name', async () => {
    const error = await readError(scratchFile('0000_part_00', 'email\na@example.com\n'));
    expect((error as Error).message).toMatch(/^Cannot tell the format of ".*0000_part_00" from its name/);
  });
});
