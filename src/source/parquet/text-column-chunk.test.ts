import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { ColumnSource } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { writeParquetFixture, type FixtureCodec } from '../../../test/helpers/parquet-fixtures.js';
import { mulberry32 } from '../../prng.js';
import type { SourceRecord } from '../source-record.js';
import { openParquetReader } from './parquet-reader.js';
import { parquetParsers, toRecordFields } from './parquet-values.js';

const scratch = mkdtempSync(join(tmpdir(), 'klaviyo-export-text-chunk-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CODECS: readonly FixtureCodec[] = ['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'];
const PIECES = ['', 'a', 'Zoë', '東京', '🙂', '\uFEFFbom', ' ', 'person@example.com', '0', 'null', '\n', 'ß'];

function randomText(random: () => number, distinct: number): string {
  if (distinct > 0) return `value-${Math.floor(random() * distinct)}`;
  let text = '';
  const parts = Math.floor(random() * 5);
  for (let part = 0; part < parts; part++) text += PIECES[Math.floor(random() * PIECES.length)]!;
  return random() < 0.3 ? text + String(Math.floor(random() * 1e9)) : text;
}

function randomColumns(random: () => number, rows: number): ColumnSource[] {
  const count = 1 + Math.floor(random() * 4);
  const columns: ColumnSource[] = [];
  for (let index = 0; index < count; index++) {
    const nullable = random() < 0.6;
    const nullShare = nullable ? [0, 0.1, 0.5, 1][Math.floor(random() * 4)]! : 0;
    // Few distinct values make hyparquet-writer choose a dictionary; PLAIN forces no dictionary.
    const distinct = random() < 0.5 ? 1 + Math.floor(random() * 20) : 0;
    const encoding = random() < 0.3 ? ('PLAIN' as const) : undefined;
    const data = Array.from({ length: rows }, () => (random() < nullShare ? null : randomText(random, distinct)));
    columns.push({ name: `text${index}`, data, type: 'STRING', nullable, ...(encoding === undefined ? {} : { encoding }) });
  }
  // A column that is not text keeps going through hyparquet.
  columns.push({ name: 'count', data: Array.from({ length: rows }, (_, row) => row), type: 'INT32' });
  return columns;
}

async function readRecords(path: string): Promise<SourceRecord[]> {
  const reader = await openParquetReader(path);
  const records: SourceRecord[] = [];
  for await (const batch of reader.batches) records.push(...batch);
  return records;
}

/** The oracle: hyparquet's own reading of the whole file, converted as the reader converts rows. */
async function oracleRecords(path: string): Promise<SourceRecord[]> {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rows = await parquetReadObjects({ file, compressors, parsers: parquetParsers });
  return rows.map((row, index) => ({ line: index + 1, fields: toRecordFields(row) }));
}

describe('text columns, read a page at a time', () => {
  test.each(Array.from({ length: 40 }, (_, seed) => seed))('give what hyparquet gives (seed %i)', async (seed) => {
    const random = mulberry32(seed);
    const rows = 1 + Math.floor(random() * 3_000);
    const path = join(scratch, `random-${seed}.parquet`);
    await writeParquetFixture(path, {
      columnData: randomColumns(random, rows),
      codec: CODECS[seed % CODECS.length]!,
      rowGroupSize: 1 + Math.floor(random() * rows),
      pageSize: [64, 512, 4_096, 1 << 20][Math.floor(random() * 4)]!,
      offsetIndex: random() < 0.5,
    });
    const records = await readRecords(path);
    expect(records).toEqual(await oracleRecords(path));
  });
});
