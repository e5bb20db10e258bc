import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import type { ChunkPage, ColumnBuffers } from './column-chunk.js';
import { decompressPageInto, type PageCodec, type ReusableBytes } from './reusable-bytes.js';

/** What an index left undecoded holds: no dictionary has an entry there. */
const NOT_DECODED = -1;

/**
 * A flat column's data page (v1 or v2) with its definition levels decoded and its values' bytes
 * decompressed, into the column's buffers: valid until the column reads its next page.
 */
export interface DataPageBody {
  readonly rows: number;
  readonly encoding: string;
  /** Per row, 0 where the row is null; undefined for a required column. */
  readonly definitions: Uint8Array | undefined;
  /** The rows that are not null: the values the page holds. */
  readonly valueCount: number;
  readonly bytes: Buffer;
  /** Where in `bytes` the values start. */
  readonly valuesAt: number;
}

/** The encoding of a data page's values, from its header. */
export function encodingOf(page: ChunkPage): string | undefined {
  return page.header.data_page_header?.encoding ?? page.header.data_page_header_v2?.encoding;
}

export function isDictionaryEncoding(encoding: string | undefined): boolean {
  return encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
}

/** Decodes a flat column's data page up to its values (whose encoding is the caller's to read). */
export function readDataPageBody(page: ChunkPage, codec: PageCodec, isOptional: boolean, buffers: ColumnBuffers): DataPageBody {
  const { header, stored } = page;
  let definitions: Uint8Array | undefined;
  if (header.type === 'DATA_PAGE') {
    const daph = header.data_page_header;
    if (!daph) throw new Error('parquet data page header is undefined');
    const bytes = toBuffer(decompressPageInto(stored, header.uncompressed_page_size, codec, buffers.page));
    const reader = { view: dataView(bytes), offset: 0 };
    if (isOptional) {
      // The buffer is reused: a level a damaged page leaves undecoded is a null, not the last page's.
      definitions = buffers.definitions.take(daph.num_values).fill(0);
      readRleBitPackedHybrid(reader, 1, definitions);
    }
    return {
      rows: daph.num_values,
      encoding: daph.encoding,
      definitions,
      valueCount: countValues(definitions, daph.num_values),
      bytes,
      valuesAt: reader.offset,
    };
  }
  if (header.type === 'DATA_PAGE_V2') {
    const daph2 = header.data_page_header_v2;
    if (!daph2) throw new Error('parquet data page header v2 is undefined');
    const levelsLength = daph2.repetition_levels_byte_length + daph2.definition_levels_byte_length;
    if (isOptional) {
      definitions = buffers.definitions.take(daph2.num_values).fill(0);
      const reader = { view: dataView(stored), offset: daph2.repetition_levels_byte_length };
      readRleBitPackedHybrid(reader, 1, definitions, daph2.definition_levels_byte_length);
    }
    const valuesSize = header.uncompressed_page_size - levelsLength;
    let values = stored.subarray(levelsLength);
    // A page with no values may have zero compressed bytes, which is not a valid stream.
    if (daph2.is_compressed !== false && valuesSize) values = decompressPageInto(values, valuesSize, codec, buffers.page);
    return {
      rows: daph2.num_rows,
      encoding: daph2.encoding,
      definitions,
      valueCount: countValues(definitions, daph2.num_rows),
      bytes: toBuffer(values),
      valuesAt: 0,
    };
  }
  throw new Error(`parquet unsupported page type: ${header.type}`);
}

function countValues(definitions: Uint8Array | undefined, rows: number): number {
  return definitions === undefined ? rows : definitions.reduce((count, level) => count + level, 0);
}

/** RLE_DICTIONARY: a bit width, then the dictionary indices of the page's non-null values. */
export function readDictionaryIndices(body: DataPageBody, into: ReusableBytes): Int32Array {
  const { bytes, valuesAt } = body;
  const indices = into.takeInt32(body.valueCount);
  const bitWidth = bytes[valuesAt] ?? 0;
  // The buffer is reused: an index a damaged page leaves undecoded must not be the last page's.
  indices.fill(bitWidth === 0 ? 0 : NOT_DECODED);
  if (bitWidth !== 0 && indices.length > 0) {
    readRleBitPackedHybrid({ view: dataView(bytes), offset: valuesAt + 1 }, bitWidth, indices, bytes.byteLength - valuesAt - 1);
  }
  return indices;
}

/** The dictionary's entry for the page's `position`-th value; throws where the page is damaged. */
export function dictionaryEntry<T>(dictionary: ArrayLike<T> | undefined, indices: Int32Array, position: number): T {
  if (position >= indices.length) throw new Error('a page holds fewer values than it has rows that are not null');
  if (dictionary === undefined) throw new Error('a dictionary-encoded page comes before any dictionary page');
  const index = indices[position]!;
  if (index === NOT_DECODED) throw new Error('a page holds fewer dictionary indices than values');
  const value = dictionary[index];
  if (value === undefined) throw new Error(`a value points at entry ${index} of a dictionary of ${dictionary.length}`);
  return value;
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
