import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parquetFixtureBytes, writeParquetFixture, type FixtureCodec } from '../../../test/helpers/parquet-fixtures.js';
import { InputFileError } from '../../errors.js';
import type { SourceRecord } from '../source-record.js';
import { openParquetReader } from './parquet-reader.js';

const scratch = mkdtempSync(join(tmpdir(), 'klaviyo-export-parquet-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function readAll(path: string): Promise<{ columns: readonly string[]; records: SourceRecord[]; digest: string }> {
  const reader = await openParquetReader(path);
  const records: SourceRecord[] = [];
  for await (const batch of reader.batches) records.push(...batch);
  return { columns: reader.columns, records, digest: reader.contentDigest() };
}

async function openError(path: string): Promise<InputFileError> {
  const error: unknown = await openParquetReader(path).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

function emails(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `person${index + 1}@example.com`);
}

describe('openParquetReader', () => {
  test.each<FixtureCodec>(['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'])(
    'reads %s row groups in order, rows numbered from 1',
    async (codec) => {
      const path = join(scratch, `people-${codec}.parquet`);
      const count = 2_500;
      await writeParquetFixture(path, {
        codec,
        rowGroupSize: 1_000,
        columnData: [
          { name: 'email', data: emails(count), type: 'STRING' },
          { name: 'score', data: Array.from({ length: count }, (_, index) => index * 1.5), type: 'DOUBLE' },
        ],
      });
      const { columns, records, digest } = await readAll(path);
      expect(columns).toEqual(['email', 'score']);
      expect(records).toHaveLength(count);
      expect(records[0]).toEqual({ line: 1, fields: { email: 'person1@example.com', score: 0 } });
      expect(records[2_499]).toEqual({ line: 2_500, fields: { email: 'person2500@example.com', score: 3748.5 } });
      expect(records.map((record) => record.line)).toEqual(Array.from({ length: count }, (_, index) => index + 1));
      expect(digest).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    },
  );

  test('reads a large row group the same with an offset index and without one (pages are read in order either way)', async () => {
    const count = 40_000;
    const columnData = [{ name: 'email', data: emails(count), type: 'STRING' as const }];
    const sliced = join(scratch, 'one-group-indexed.parquet');
    const whole = join(scratch, 'one-group-no-index.parquet');
    await writeParquetFixture(sliced, { columnData, rowGroupSize: count });
    await writeParquetFixture(whole, { columnData, rowGroupSize: count, offsetIndex: false });
    const [a, b] = await Promise.all([readAll(sliced), readAll(whole)]);
    expect(a.records).toHaveLength(count);
    expect(a.records).toEqual(b.records);
    expect(a.records[count - 1]!.fields['email']).toBe(`person${count}@example.com`);
  });

  test('maps Parquet types as a JSON reader would: nulls, int64, decimals, timestamps, dates, lists, structs', async () => {
    const path = join(scratch, 'types.parquet');
    await writeParquetFixture(path, {
      schema: [
        { name: 'root', num_children: 8 },
        { name: 'email', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'visits', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'address', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'zip', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        {
          name: 'signed_up',
          type: 'INT64',
          repetition_type: 'OPTIONAL',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
        },
        { name: 'balance', type: 'INT64', repetition_type: 'OPTIONAL', converted_type: 'DECIMAL', precision: 12, scale: 2 },
        { name: 'birthday', type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'DATE' },
        { name: 'ratio', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'email', data: ['a@example.com', null] },
        { name: 'visits', data: [5n, 9007199254740993n] },
        { name: 'tags', data: [['vip', 'new'], null] },
        { name: 'address', data: [{ city: 'Oslo', zip: '0150' }, null] },
        { name: 'signed_up', data: [new Date('2024-03-05T14:30:00.250Z'), null] },
        { name: 'balance', data: [12345n, null] },
        { name: 'birthday', data: [19_787, null] },
        { name: 'ratio', data: [0.25, Number.NaN] },
      ],
    });
    const { columns, records } = await readAll(path);
    expect(columns).toEqual(['email', 'visits', 'tags', 'address', 'signed_up', 'balance', 'birthday', 'ratio']);
    expect(records).toEqual([
      {
        line: 1,
        fields: {
          email: 'a@example.com',
          visits: 5,
          tags: ['vip', 'new'],
          address: { city: 'Oslo', zip: '0150' },
          signed_up: '2024-03-05T14:30:00.250Z',
          balance: 123.45,
          birthday: '2024-03-05',
          ratio: 0.25,
        },
      },
      {
        line: 2,
        fields: {
          email: null,
          visits: '9007199254740993',
          tags: null,
          address: null,
          signed_up: null,
          balance: null,
          birthday: null,
          ratio: null,
        },
      },
    ]);
  });

  test('stops reading when the signal is aborted', async () => {
    const path = join(scratch, 'abort.parquet');
    await writeParquetFixture(path, { rowGroupSize: 100, columnData: [{ name: 'email', data: emails(1_000), type: 'STRING' }] });
    const controller = new AbortController();
    const reader = await openParquetReader(path, { signal: controller.signal });
    const read = async (): Promise<number> => {
      let count = 0;
      for await (const batch of reader.batches) {
        count += batch.length;
        controller.abort(new Error('stop'));
      }
      return count;
    };
    await expect(read()).rejects.toThrow('stop');
  });
});

describe('damaged Parquet files fail at open, naming the file and the reason', () => {
  async function goodBytes(): Promise<Buffer> {
    return parquetFixtureBytes({ columnData: [{ name: 'email', data: emails(50), type: 'STRING' }] });
  }

  test('a file cut short has no footer', async () => {
    const path = join(scratch, 'truncated.parquet');
    const bytes = await goodBytes();
    writeFileSync(path, bytes.subarray(0, bytes.length - 20));
    const error = await openError(path);
    expect(error.message).toMatch(/truncated\.parquet: is not a readable Parquet file: it does not end with PAR1, so it has no footer/);
  });

  test('a file that is not Parquet at all', async () => {
    const path = join(scratch, 'not.parquet');
    writeFileSync(path, 'email\na@example.com\nb@example.com\n');
    expect((await openError(path)).message).toMatch(
      /not\.parquet: is not a readable Parquet file: it does not start with the magic bytes PAR1/,
    );
  });

  test('a file too short to hold a footer', async () => {
    const path = join(scratch, 'tiny.parquet');
    writeFileSync(path, 'PAR1PAR1');
    expect((await openError(path)).message).toMatch(/tiny\.parquet: .*only 8 bytes long/);
  });

  test('a footer whose length runs past the start of the file', async () => {
    const path = join(scratch, 'long-footer.parquet');
    const bytes = await goodBytes();
    bytes.writeUInt32LE(bytes.length * 2, bytes.length - 8);
    writeFileSync(path, bytes);
    expect((await openError(path)).message).toMatch(/long-footer\.parquet: .*footer claims \d+ bytes, more than the file holds/);
  });

  test('a footer that cannot be decoded', async () => {
    const path = join(scratch, 'garbled-footer.parquet');
    const bytes = await goodBytes();
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    bytes.fill(0xff, bytes.length - 8 - footerLength, bytes.length - 8);
    writeFileSync(path, bytes);
    expect((await openError(path)).message).toMatch(/garbled-footer\.parquet: is not a readable Parquet file: /);
  });

  test('data cut out of the middle, footer kept: a column chunk lies outside the data', async () => {
    const path = join(scratch, 'gutted.parquet');
    const bytes = await goodBytes();
    const footerLength = bytes.readUInt32LE(bytes.length - 8);
    const footerStart = bytes.length - 8 - footerLength;
    writeFileSync(path, Buffer.concat([bytes.subarray(0, 4), bytes.subarray(footerStart)]));
    expect((await openError(path)).message).toMatch(/gutted\.parquet: .*row group 1's column email lies outside the file's data/);
  });

  test('an empty file and a missing one', async () => {
    const empty = join(scratch, 'empty.parquet');
    writeFileSync(empty, '');
    expect((await openError(empty)).message).toBe(`${empty}: the file is empty`);
    expect((await openError(join(scratch, 'missing.parquet'))).message).toMatch(/missing\.parquet: file not found/);
  });

  test('the display name is the one given', async () => {
    const path = join(scratch, 'named.parquet');
    writeFileSync(path, await goodBytes());
    truncateSync(path, 100);
    const error: unknown = await openParquetReader(path, { displayName: 'segment/part-0001.parquet' }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/^segment\/part-0001\.parquet: /);
  });
});
