import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { InputFileError, UsageError } from '../errors.js';
import { openSegment, openSegmentFile } from './open-segment.js';
import { resolveSegmentParts } from './segment-parts.js';
import type { Segment, SourceRecord } from './source-record.js';

const scratch = mkdtempSync(join(tmpdir(), 'klaviyo-export-parts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
function folderOf(files: Record<string, string | Buffer>): string {
  const folder = join(scratch, `segment-${(folders += 1)}`);
  mkdirSync(folder);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

async function readAll(segment: Segment): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  for await (const record of segment.records) all.push(record);
  return all;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe('resolveSegmentParts', () => {
  test('a folder is its data files in name order; _SUCCESS and .crc files are not data, an empty subfolder adds nothing', async () => {
    const folder = folderOf({
      '0001_part_00.gz': 'x',
      '0000_part_00.gz': 'x',
      _SUCCESS: '',
      '.0000_part_00.gz.crc': 'x',
      _committed_123: 'x',
    });
    mkdirSync(join(folder, 'nested'));
    const resolved = await resolveSegmentParts(folder);
    expect(resolved).toEqual({
      displayName: folder,
      isMultiPart: true,
      parts: [{ path: join(folder, '0000_part_00.gz') }, { path: join(folder, '0001_part_00.gz') }],
    });
  });

  test('subfolders are read in place, in name order; key=value folders (Hive, Spark partitionBy) give their values', async () => {
    const folder = folderOf({ 'top.csv': 'x' });
    const tree: Record<string, string> = {
      'country=US/year=2026/part-0.csv': 'x',
      'country=US/part-1.csv': 'x',
      'country=DE/part-0.csv': 'x',
      'country=S%C3%A3o%20Tom%C3%A9/part-0.csv': 'x',
      'country=__HIVE_DEFAULT_PARTITION__/part-0.csv': 'x',
      '2026/11/part-0.csv': 'x',
      '_temporary/0/part-9.csv': 'x',
      '.hidden/part-9.csv': 'x',
    };
    for (const [name, content] of Object.entries(tree)) {
      mkdirSync(join(folder, name, '..'), { recursive: true });
      writeFileSync(join(folder, name), content);
    }
    const resolved = await resolveSegmentParts(folder);
    expect(resolved.parts).toEqual([
      { path: join(folder, '2026/11/part-0.csv') },
      { path: join(folder, 'country=DE/part-0.csv'), partitionValues: [['country', 'DE']] },
      { path: join(folder, 'country=S%C3%A3o%20Tom%C3%A9/part-0.csv'), partitionValues: [['country', 'São Tomé']] },
      { path: join(folder, 'country=US/part-1.csv'), partitionValues: [['country', 'US']] },
      {
        path: join(folder, 'country=US/year=2026/part-0.csv'),
        partitionValues: [
          ['country', 'US'],
          ['year', '2026'],
        ],
      },
      { path: join(folder, 'country=__HIVE_DEFAULT_PARTITION__/part-0.csv'), partitionValues: [['country', '']] },
      { path: join(folder, 'top.csv') },
    ]);
  });

  test("a partitioned folder's rows get their folders' values as fields, in the sample too", async () => {
    const folder = folderOf({});
    for (const [name, content] of Object.entries({
      'tier=gold/part-0.csv': 'email,name\na@example.com,A\n',
      'tier=silver/region=eu/part-0.csv': 'email,name\nb@example.com,B\n',
      _SUCCESS: '',
    })) {
      mkdirSync(join(folder, name, '..'), { recursive: true });
      writeFileSync(join(folder, name), content);
    }
    const segment = await openSegment({ input: folder });
    expect(segment.columns).toEqual(['email', 'name', 'tier', 'region']);
    expect(await segment.peekRecords(1)).toEqual([{ line: 2, fields: { email: 'a@example.com', name: 'A', tier: 'gold' } }]);
    expect(await readAll(segment)).toEqual([
      { line: 2, fields: { email: 'a@example.com', name: 'A', tier: 'gold' } },
      { line: 4, fields: { email: 'b@example.com', name: 'B', tier: 'silver', region: 'eu' } },
    ]);
    const digests = [sha256('email,name\na@example.com,A\n'), sha256('email,name\nb@example.com,B\n')];
    expect(segment.contentDigest()).toBe(sha256(`${digests[0]} [["tier","gold"]]\n${digests[1]} [["tier","silver"],["region","eu"]]`));
  });

  test('a column that a partition folder also names stops before any row, naming the file and the column', async () => {
    const folder = folderOf({});
    mkdirSync(join(folder, 'tier=gold'));
    writeFileSync(join(folder, 'tier=gold', 'part-0.csv'), 'email,Tier\na@example.com,silver\n');
    const error = await failure(openSegment({ input: folder }));
    expect(error).toBeInstanceOf(InputFileError);
    expect(error.message).toBe(
      `${join(folder, 'tier=gold', 'part-0.csv')}: has a column "Tier", and the folder tier=gold above it names the same field: rename the column or the folder`,
    );
  });

  test('a single file is one part, as before; several paths keep their order', async () => {
    expect(await resolveSegmentParts('segment.csv')).toEqual({
      displayName: 'segment.csv',
      isMultiPart: false,
      parts: [{ path: 'segment.csv' }],
    });
    expect(await resolveSegmentParts(['b.csv', 'a.csv'])).toEqual({
      displayName: 'b.csv and 1 more',
      isMultiPart: true,
      parts: [{ path: 'b.csv' }, { path: 'a.csv' }],
    });
  });

  test('a folder without data files, standard input among paths, and a file given twice are refused', async () => {
    const empty = folderOf({ _SUCCESS: '' });
    const error = await failure(resolveSegmentParts(empty));
    expect(error).toBeInstanceOf(InputFileError);
    expect(error.message).toBe(`${empty}: is a directory without any data file (1 left out: names starting with _ or . are not data)`);
    expect(await failure(resolveSegmentParts(['-', 'a.csv']))).toBeInstanceOf(UsageError);
    expect((await failure(resolveSegmentParts(['a.csv', 'a.csv']))).message).toBe(
      'a.csv is given twice: each file of a segment is read once.',
    );
  });
});

describe('a segment of several files', () => {
  test('reads every part in order: lines run on, locate gives each file and its own line back, digests combine', async () => {
    const first = 'email|name\na@example.com|A\nb@example.com|B\n';
    const second = 'email|name\nc@example.com|C\n';
    const folder = folderOf({ '0000_part_00.gz': gzipSync(first), '0001_part_00.gz': gzipSync(second), _SUCCESS: '' });
    const segment = await openSegment({ input: folder });
    const records = await readAll(segment);
    expect(segment.isMultiPart).toBe(true);
    expect(segment.files).toEqual([join(folder, '0000_part_00.gz'), join(folder, '0001_part_00.gz')]);
    expect(records.map((record) => [record.line, record.fields.email])).toEqual([
      [2, 'a@example.com'],
      [3, 'b@example.com'],
      [5, 'c@example.com'],
    ]);
    expect(segment.locate(3)).toEqual({ file: join(folder, '0000_part_00.gz'), line: 3 });
    expect(segment.locate(5)).toEqual({ file: join(folder, '0001_part_00.gz'), line: 2 });
    expect(segment.contentDigest()).toBe(sha256(`${sha256(first)}\n${sha256(second)}`));
  });

  test('a single file keeps its own lines and the sha256 of its text as digest', async () => {
    const text = 'email\na@example.com\n';
    const path = join(folderOf({ 'one.csv': text }), 'one.csv');
    const segment = await openSegment({ input: path });
    await readAll(segment);
    expect(segment.isMultiPart).toBe(false);
    expect(segment.files).toEqual([path]);
    expect(segment.locate(2)).toEqual({ file: path, line: 2 });
    expect(segment.contentDigest()).toBe(sha256(text));
  });

  test('each part has its own delimiter; several paths are read in the order given', async () => {
    const folder = folderOf({ 'a.csv': 'email,name\na@example.com,A\n', 'b.csv': 'email;name\nb@example.com;B\n' });
    const segment = await openSegment({ input: [join(folder, 'b.csv'), join(folder, 'a.csv')] });
    expect((await readAll(segment)).map((record) => record.fields)).toEqual([
      { email: 'b@example.com', name: 'B' },
      { email: 'a@example.com', name: 'A' },
    ]);
  });

  test('a part whose header differs stops before any row is read, naming the part', async () => {
    const folder = folderOf({ 'a.csv': 'email,name\na@example.com,A\n', 'b.csv': 'email,first_name\nb@example.com,B\n' });
    const error = await failure(openSegment({ input: folder }));
    expect(error).toBeInstanceOf(InputFileError);
    expect(error.message).toBe(
      `${join(folder, 'b.csv')}, line 1: its columns (email, first_name) differ from those of the segment's first file, ${join(folder, 'a.csv')} (email, name): every file of a segment must have the same header`,
    );
  });

  test('a part of another format stops before any row is read', async () => {
    const folder = folderOf({ 'a.csv': 'email\na@example.com\n', 'b.ndjson': '{"email":"b@example.com"}\n' });
    const error = await failure(openSegment({ input: folder }));
    expect(error.message).toMatch(/b\.ndjson: is NDJSON but the segment's first file, .*a\.csv, is CSV/);
  });

  test('a part that cannot be read (zstd, missing) stops before any row is read', async () => {
    const folder = folderOf({ 'a.csv': 'email\na@example.com\n', 'b.csv.zst': Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) });
    expect((await failure(openSegment({ input: folder }))).message).toMatch(/b\.csv\.zst: is compressed with zstd/);
    const missing = await failure(openSegment({ input: [join(folder, 'a.csv'), join(folder, 'gone.csv')] }));
    expect(missing.message).toBe(`${join(folder, 'gone.csv')}: file not found`);
  });

  test('a truncated later part fails while reading, after the rows before it, naming that part', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => `u${index}@example.com`).join('\n');
    const whole = gzipSync(`email\n${rows}\n`);
    const folder = folderOf({ 'a.csv.gz': gzipSync('email\na@example.com\n'), 'b.csv.gz': whole.subarray(0, whole.length / 2) });
    const segment = await openSegment({ input: folder });
    const seen: SourceRecord[] = [];
    const error = await failure(
      (async () => {
        for await (const record of segment.records) seen.push(record);
      })(),
    );
    expect(seen[0]?.fields.email).toBe('a@example.com');
    expect(error.message).toMatch(/b\.csv\.gz: the gzip data ends too soon/);
  });

  test('empty parts (zero bytes, an empty gzip, first or last) are parts without rows; their digest still counts', async () => {
    const first = 'email|name\na@example.com|A\n';
    const second = 'email|name\nb@example.com|B\n';
    const folder = folderOf({
      '0000_part_00': '',
      '0001_part_00.gz': gzipSync(first),
      '0002_part_00.gz': gzipSync(''),
      '0003_part_00.gz': gzipSync(second),
      '0004_part_00': '',
    });
    const segment = await openSegment({ input: folder });
    expect(segment.files).toHaveLength(5);
    expect(segment.columns).toEqual(['email', 'name']);
    expect(await segment.peekRecords(1)).toEqual([{ line: 2, fields: { email: 'a@example.com', name: 'A' } }]);
    const records = await readAll(segment);
    expect(records.map((record) => [record.line, record.fields.email])).toEqual([
      [2, 'a@example.com'],
      [4, 'b@example.com'],
    ]);
    expect(segment.locate(4)).toEqual({ file: join(folder, '0003_part_00.gz'), line: 2 });
    const empty = sha256('');
    expect(segment.contentDigest()).toBe(sha256([empty, sha256(first), empty, sha256(second), empty].join('\n')));
  });

  test('a segment whose parts are all empty is refused, naming the folder', async () => {
    const folder = folderOf({ 'part-00000.csv': '', 'part-00001.csv.gz': gzipSync(''), _SUCCESS: '' });
    expect((await failure(openSegment({ input: folder }))).message).toBe(`${folder}: every file of the segment is empty (2 files)`);
    const single = join(folder, 'part-00000.csv');
    expect((await failure(openSegment({ input: single }))).message).toBe(`${single}: the file is empty`);
  });

  test('NDJSON parts (BigQuery shards) bring their keys into the columns', async () => {
    const folder = folderOf({
      'export-000000000000.json.gz': gzipSync('{"email":"a@example.com"}\n'),
      'export-000000000001.json.gz': gzipSync('{"email":"b@example.com","tier":"gold"}\n'),
    });
    const segment = await openSegment({ input: folder });
    expect((await readAll(segment)).map((record) => record.line)).toEqual([1, 2]);
    expect(segment.format).toBe('ndjson');
    expect(segment.columns).toEqual(['email', 'tier']);
  });

  test('a part may bring its own column names (a headerless partition described by metadata)', async () => {
    const path = join(folderOf({ 'part.csv': 'a@example.com,Ada\n' }), 'part.csv');
    const file = await openSegmentFile({ path, columnNames: ['email', 'first_name'] }, { input: 'ignored' });
    const records: SourceRecord[] = [];
    for await (const record of file.records) records.push(record);
    expect(file.columns).toEqual(['email', 'first_name']);
    expect(records).toEqual([{ line: 1, fields: { email: 'a@example.com', first_name: 'Ada' } }]);
  });
});
