import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { compressors } from 'hyparquet-compressors';
import type { ColumnSource } from 'hyparquet-writer';
import { afterAll, describe, expect, test } from 'vitest';
import { arrayBufferOf, withDataPageV1 } from '../../../test/helpers/parquet-data-page-v1.js';
import { parquetFixtureBytes, writeParquetFixture, type FixtureCodec } from '../../../test/helpers/parquet-fixtures.js';
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
  // Columns that are not text go through hyparquet's page reader, a page at a time, or (a list) whole.
  columns.push({ name: 'count', data: Array.from({ length: rows }, (_, row) => row), type: 'INT32' });
  const nulls = (value: unknown): unknown => (random() < 0.2 ? null : value);
  const others: ColumnSource[] = [
    { name: 'visits', data: Array.from({ length: rows }, () => nulls(BigInt(Math.floor(random() * 1e6)))), type: 'INT64', nullable: true },
    { name: 'score', data: Array.from({ length: rows }, () => nulls(Math.floor(random() * 40) / 8)), type: 'DOUBLE', nullable: true },
    { name: 'vip', data: Array.from({ length: rows }, () => nulls(random() < 0.5)), type: 'BOOLEAN', nullable: true },
    {
      name: 'seen',
      data: Array.from({ length: rows }, () => nulls(new Date(1.7e12 + Math.floor(random() * 5) * 3.6e6))),
      type: 'TIMESTAMP',
      nullable: true,
    },
    {
      name: 'tags',
      data: Array.from({ length: rows }, () => (random() < 0.5 ? [] : ['a', 'b'].slice(0, 1 + Math.floor(random() * 2)))),
      type: 'JSON',
    },
  ];
  for (const column of others) if (random() < 0.5) columns.push(column);
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

/** The type of every page of the file's first row group, in file order. */
function pageTypes(bytes: Buffer): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  for (const chunk of parquetMetadata(arrayBufferOf(bytes)).row_groups[0]!.columns) {
    const meta = chunk.meta_data!;
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    for (let offset = start; offset < start + Number(meta.total_compressed_size);) {
      const reader = { view, offset };
      const header = parquetHeader(reader);
      types.push(header.type);
      offset = reader.offset + header.compressed_page_size;
    }
  }
  return types;
}

describe('pages read from the file a window at a time', () => {
  test('pages that cross from one window to the next, and a page larger than a window, give what hyparquet gives', async () => {
    const rows = 30_000;
    const path = join(scratch, 'windows.parquet');
    await writeParquetFixture(path, {
      codec: 'UNCOMPRESSED',
      rowGroupSize: rows,
      columnData: [
        // About 1.2 MB of small pages: many of them straddle the 256 KB windows.
        { name: 'email', data: Array.from({ length: rows }, (_, row) => `someone-${row}@example.com`), type: 'STRING', encoding: 'PLAIN' },
        { name: 'visits', data: Array.from({ length: rows }, (_, row) => BigInt(row * 7)), type: 'INT64', encoding: 'PLAIN' },
      ],
      pageSize: 4_000,
    });
    await writeParquetFixture(join(scratch, 'big-page.parquet'), {
      codec: 'UNCOMPRESSED',
      rowGroupSize: rows,
      columnData: [
        { name: 'note', data: Array.from({ length: rows }, (_, row) => `${'x'.repeat(40)}${row}`), type: 'STRING', encoding: 'PLAIN' },
      ],
      pageSize: 4 << 20,
    });
    expect(readFileSync(path).byteLength).toBeGreaterThan(3 * 256 * 1024);
    expect(pageTypes(readFileSync(join(scratch, 'big-page.parquet'))).filter((type) => type.startsWith('DATA'))).toHaveLength(1);
    for (const file of [path, join(scratch, 'big-page.parquet')]) {
      const records = await readRecords(file);
      expect(records).toHaveLength(rows);
      expect(records).toEqual(await oracleRecords(file));
    }
  });
});

describe('nested columns (lists, structs, maps), read a page at a time', () => {
  const LIST_SCHEMA = [
    { name: 'root', num_children: 5 },
    { name: 'email', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'scores', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'address', repetition_type: 'OPTIONAL', num_children: 2 },
    { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    { name: 'zip', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'traits', repetition_type: 'OPTIONAL', converted_type: 'MAP', num_children: 1 },
    { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
    { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  ] as const;

  function randomTraits(random: () => number): Record<string, string | null> | null {
    if (random() < 0.15) return null;
    const traits: Record<string, string | null> = {};
    for (const key of ['plan', 'region', 'source'])
      if (random() < 0.5) traits[key] = random() < 0.2 ? null : `${key}-${Math.floor(random() * 5)}`;
    return traits;
  }

  function randomAddress(random: () => number): { city: string | null; zip: number } | null {
    if (random() < 0.2) return null;
    return { city: random() < 0.2 ? null : `City ${Math.floor(random() * 30)}`, zip: Math.floor(random() * 99_999) };
  }

  function randomList<T>(random: () => number, item: () => T, nullable: boolean): T[] | null {
    if (nullable && random() < 0.15) return null;
    return Array.from({ length: Math.floor(random() * 6) }, item);
  }

  test.each(Array.from({ length: 16 }, (_, seed) => seed))('give what hyparquet gives, in v2 and v1 pages (seed %i)', async (seed) => {
    const random = mulberry32(2_000 + seed);
    const rows = 1 + Math.floor(random() * 4_000);
    const distinct = random() < 0.5 ? 8 : 1e9;
    const v2 = await parquetFixtureBytes({
      schema: LIST_SCHEMA.map((element) => ({ ...element })),
      codec: (['SNAPPY', 'GZIP', 'UNCOMPRESSED'] as const)[seed % 3]!,
      rowGroupSize: 1 + Math.floor(random() * rows),
      pageSize: [64, 512, 4_096, 1 << 20][Math.floor(random() * 4)]!,
      offsetIndex: random() < 0.5,
      columnData: [
        { name: 'email', data: Array.from({ length: rows }, (_, row) => `p${row}@example.com`) },
        {
          name: 'tags',
          data: Array.from({ length: rows }, () =>
            randomList(random, () => (random() < 0.1 ? null : `t${Math.floor(random() * distinct)}`), true),
          ),
        },
        { name: 'scores', data: Array.from({ length: rows }, () => randomList(random, () => BigInt(Math.floor(random() * 100)), false)) },
        { name: 'address', data: Array.from({ length: rows }, () => randomAddress(random)) },
        { name: 'traits', data: Array.from({ length: rows }, () => randomTraits(random)) },
      ],
    });
    for (const [name, bytes] of [
      ['v2', v2],
      ['v1', withDataPageV1(v2)],
    ] as const) {
      const path = join(scratch, `lists-${seed}-${name}.parquet`);
      writeFileSync(path, bytes);
      const records = await readRecords(path);
      expect(records).toEqual(await oracleRecords(path));
    }
  });

  test('a row group of 40,000 rows read in slices, in v1 pages that need not end where a slice does', async () => {
    const rows = 40_000;
    const random = mulberry32(77);
    const v2 = await parquetFixtureBytes({
      schema: LIST_SCHEMA.map((element) => ({ ...element })),
      rowGroupSize: rows,
      pageSize: 3_000,
      columnData: [
        { name: 'email', data: Array.from({ length: rows }, (_, row) => `p${row}@example.com`) },
        { name: 'tags', data: Array.from({ length: rows }, () => randomList(random, () => `t${Math.floor(random() * 50)}`, true)) },
        { name: 'scores', data: Array.from({ length: rows }, (_, row) => [BigInt(row)]) },
        { name: 'address', data: Array.from({ length: rows }, () => randomAddress(random)) },
        { name: 'traits', data: Array.from({ length: rows }, () => randomTraits(random)) },
      ],
    });
    const path = join(scratch, 'lists-large.parquet');
    writeFileSync(path, withDataPageV1(v2));
    const records = await readRecords(path);
    expect(records).toHaveLength(rows);
    expect(records).toEqual(await oracleRecords(path));
    expect(records[39_999]!.fields['scores']).toEqual([39_999]);
    expect(
      records.filter(({ fields }) => typeof fields['traits'] === 'object' && fields['traits'] !== null && 'plan' in fields['traits'])
        .length,
    ).toBeGreaterThan(10_000);
    expect(records.filter(({ fields }) => (fields['address'] as { city?: unknown } | null)?.city !== undefined).length).toBeGreaterThan(
      20_000,
    );
  });
});

describe('text columns in DATA_PAGE v1, as Spark and pyarrow write them by default', () => {
  const V1_CODECS: readonly FixtureCodec[] = ['SNAPPY', 'GZIP', 'UNCOMPRESSED'];
  test.each(Array.from({ length: 24 }, (_, seed) => seed))('give what hyparquet gives (seed %i)', async (seed) => {
    const random = mulberry32(1_000 + seed);
    const rows = 1 + Math.floor(random() * 3_000);
    const v2 = await parquetFixtureBytes({
      columnData: randomColumns(random, rows),
      codec: V1_CODECS[seed % V1_CODECS.length]!,
      rowGroupSize: 1 + Math.floor(random() * rows),
      pageSize: [64, 512, 4_096, 1 << 20][Math.floor(random() * 4)]!,
    });
    const v1 = withDataPageV1(v2);
    expect(pageTypes(v1)).toContain('DATA_PAGE');
    expect(pageTypes(v1)).not.toContain('DATA_PAGE_V2');
    const path = join(scratch, `v1-${seed}.parquet`);
    writeFileSync(path, v1);
    const records = await readRecords(path);
    expect(records).toEqual(await oracleRecords(path));
  });
});

describe('a damaged text page fails with the column and row, not a wrong value', () => {
  /** One uncompressed PLAIN text column of `rows` rows, in one row group, pages of about 64 bytes. */
  async function plainFile(rows: number): Promise<Buffer> {
    const data = Array.from({ length: rows }, (_, row) => `person-${String(row).padStart(3, '0')}@example.com`);
    return parquetFixtureBytes({
      columnData: [{ name: 'email', data, type: 'STRING', encoding: 'PLAIN' }],
      codec: 'UNCOMPRESSED',
      pageSize: 64,
    });
  }

  async function readError(bytes: Buffer, name: string): Promise<{ rowsRead: number; message: string }> {
    const path = join(scratch, name);
    writeFileSync(path, bytes);
    const reader = await openParquetReader(path);
    let rowsRead = 0;
    try {
      for await (const batch of reader.batches) rowsRead += batch.length;
    } catch (error) {
      return { rowsRead, message: (error as Error).message };
    }
    throw new Error('the damaged file was read to the end');
  }

  test("a value's length that runs past its page", async () => {
    const bytes = await plainFile(20);
    const at = bytes.indexOf('person-007@example.com');
    bytes.writeUInt32LE(0x7fff_0000, at - 4);
    const { rowsRead, message } = await readError(bytes, 'long-value.parquet');
    expect(rowsRead).toBe(0);
    expect(message).toContain(join(scratch, 'long-value.parquet'));
    expect(message).toContain('column email, row 8 of row group 1, cannot be read: a text value runs past the end of its page');
  });

  test('a page header that cannot be decoded', async () => {
    const bytes = await plainFile(20);
    const metadata = parquetMetadata(arrayBufferOf(bytes));
    const start = Number(metadata.row_groups[0]!.columns[0]!.meta_data!.data_page_offset);
    bytes.fill(0xff, start, start + 8);
    const { rowsRead, message } = await readError(bytes, 'header.parquet');
    expect(rowsRead).toBe(0);
    expect(message).toContain('column email, row 1 of row group 1, cannot be read');
    expect(message).toContain('the file is damaged or written in a way klaviyo-export does not read');
  });
});
