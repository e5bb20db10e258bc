import type { AsyncBuffer, ColumnMetaData, PageHeader, SchemaTree } from 'hyparquet';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { InternalError } from '../../errors.js';
import { ChunkPages, isFlatColumn, type ColumnBuffers, type ColumnChunkRows } from './column-chunk.js';
import { decompressPageInto } from './reusable-bytes.js';

/** What hyparquet's default `stringFromBytes` uses: it drops a leading byte order mark. */
const textDecoder = new TextDecoder();
/** What an index left undecoded holds: no dictionary has an entry there. */
const NOT_DECODED = -1;

/**
 * Whether a top-level column holds plain text that a TextColumnChunk reads: BYTE_ARRAY, not
 * repeated, not nested, and either unannotated or annotated as a string. hyparquet turns exactly
 * these into strings with TextDecoder; every other shape (JSON, enums, decimals, lists, structs)
 * is left to hyparquet.
 */
export function isTextColumn(column: SchemaTree): boolean {
  const { element } = column;
  return (
    isFlatColumn(column) &&
    element.type === 'BYTE_ARRAY' &&
    (element.converted_type === undefined || element.converted_type === 'UTF8') &&
    (element.logical_type === undefined || element.logical_type.type === 'STRING')
  );
}

/** The encodings a TextColumnChunk decodes (RLE and BIT_PACKED are those of the levels). */
const TEXT_CHUNK_ENCODINGS: ReadonlySet<string> = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY', 'RLE', 'BIT_PACKED']);

/** Whether a text column's chunk uses only the encodings a TextColumnChunk decodes (not DELTA_*). */
export function isTextChunk(meta: ColumnMetaData): boolean {
  return meta.encodings.every((encoding) => TEXT_CHUNK_ENCODINGS.has(encoding));
}

/**
 * One decoded data page, read a row after the other: its bytes, which rows are null, and a cursor
 * to the next value (a byte offset in a PLAIN page, a position in `indices` in a dictionary page).
 */
interface TextPage {
  readonly firstRow: number;
  readonly rowCount: number;
  readonly bytes: Buffer;
  /** Per row, 0 where the row is null; undefined for a required column. */
  readonly definitions: Uint8Array | undefined;
  /** A dictionary page: the dictionary index of each non-null value; undefined for a PLAIN page. */
  readonly indices: Int32Array | undefined;
  /** The next row to read, counted from the page's first. */
  nextRow: number;
  /** Where the next non-null value is: its byte offset (PLAIN) or its position in `indices`. */
  nextValue: number;
}

/**
 * A text column's chunk in one row group, decoded a page at a time and each value made a string
 * only when its row is asked for. hyparquet decodes a page whole into one view and one string per
 * value, which live until the row group's records are built and so are promoted to old space; here
 * a column keeps only its current page's bytes and levels, in buffers it reuses, and each string
 * dies with its record. Rows must be asked for one after another, from the first.
 */
export class TextColumnChunk implements ColumnChunkRows {
  readonly #pages: ChunkPages;
  readonly #buffers: ColumnBuffers;
  readonly #codec: ColumnMetaData['codec'];
  readonly #isOptional: boolean;
  readonly #rowCount: number;
  #dictionary: readonly string[] | undefined;
  #page: TextPage | undefined;
  #pageEndRow = 0;

  private constructor(pages: ChunkPages, buffers: ColumnBuffers, meta: ColumnMetaData, isOptional: boolean, rowCount: number) {
    this.#pages = pages;
    this.#buffers = buffers;
    this.#codec = meta.codec;
    this.#isOptional = isOptional;
    this.#rowCount = rowCount;
  }

  /** The chunk of `meta`, whose pages are read from `file` as `load` asks for them and decoded into `buffers`. */
  static open(file: AsyncBuffer, buffers: ColumnBuffers, meta: ColumnMetaData, column: SchemaTree, rowCount: number): TextColumnChunk {
    const pages = new ChunkPages(file, meta, rowCount);
    return new TextColumnChunk(pages, buffers, meta, column.element.repetition_type === 'OPTIONAL', rowCount);
  }

  load(rows: number): Promise<void> {
    return this.#pages.load(rows);
  }

  /** The value of the chunk's row `row` (0-based within the row group): a string, or null. */
  valueAt(row: number): string | null {
    while (row >= this.#pageEndRow) this.#readNextPage();
    const page = this.#page!;
    if (row - page.firstRow !== page.nextRow) {
      throw new InternalError(
        `A text column's row ${row + 1} was asked for after row ${page.firstRow + page.nextRow}: rows must be read in order.`,
      );
    }
    const at = page.nextRow++;
    if (page.definitions !== undefined && page.definitions[at] === 0) return null;
    if (page.indices !== undefined) return this.#dictionaryValue(page.indices, page.nextValue++);
    const start = page.nextValue + 4;
    page.nextValue = plainValueEnd(page.bytes, page.nextValue);
    return decodeText(page.bytes, start, page.nextValue);
  }

  #dictionaryValue(indices: Int32Array, position: number): string {
    if (position >= indices.length) throw new Error('a page holds fewer values than it has rows that are not null');
    if (this.#dictionary === undefined) throw new Error('a dictionary-encoded page comes before any dictionary page');
    if (indices[position] === NOT_DECODED) throw new Error('a page holds fewer dictionary indices than values');
    const value = this.#dictionary[indices[position]!];
    if (value === undefined) throw new Error(`a value points at entry ${indices[position]} of a dictionary of ${this.#dictionary.length}`);
    return value;
  }

  #readNextPage(): void {
    for (;;) {
      const { header, stored: compressed } = this.#pages.next();
      if (header.type === 'DICTIONARY_PAGE') {
        this.#dictionary = this.#readDictionary(header, compressed);
        continue;
      }
      const page = this.#readDataPage(header, compressed);
      this.#page = page;
      this.#pageEndRow = page.firstRow + page.rowCount;
      return;
    }
  }

  #readDictionary(header: PageHeader, compressed: Uint8Array): string[] {
    const count = header.dictionary_page_header?.num_values;
    if (count === undefined) throw new Error('parquet dictionary page header is undefined');
    const bytes = toBuffer(decompressPageInto(compressed, header.uncompressed_page_size, this.#codec, this.#buffers.page));
    const dictionary = new Array<string>(count);
    for (let index = 0, offset = 0; index < count; index++) {
      const end = plainValueEnd(bytes, offset);
      dictionary[index] = decodeText(bytes, offset + 4, end);
      offset = end;
    }
    return dictionary;
  }

  #readDataPage(header: PageHeader, compressed: Uint8Array): TextPage {
    const firstRow = this.#pageEndRow;
    let definitions: Uint8Array | undefined;
    let bytes: Buffer;
    let valuesAt: number;
    let encoding: string;
    let rowCount: number;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header;
      if (!daph) throw new Error('parquet data page header is undefined');
      ({ encoding } = daph);
      rowCount = daph.num_values;
      bytes = toBuffer(decompressPageInto(compressed, header.uncompressed_page_size, this.#codec, this.#buffers.page));
      const reader = { view: dataView(bytes), offset: 0 };
      if (this.#isOptional) {
        definitions = this.#buffers.definitions.take(rowCount).fill(0);
        readRleBitPackedHybrid(reader, 1, definitions);
      }
      valuesAt = reader.offset;
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2;
      if (!daph2) throw new Error('parquet data page header v2 is undefined');
      ({ encoding } = daph2);
      rowCount = daph2.num_rows;
      const levelsLength = daph2.repetition_levels_byte_length + daph2.definition_levels_byte_length;
      if (this.#isOptional) {
        definitions = this.#buffers.definitions.take(daph2.num_values).fill(0);
        const reader = { view: dataView(compressed), offset: daph2.repetition_levels_byte_length };
        readRleBitPackedHybrid(reader, 1, definitions, daph2.definition_levels_byte_length);
      }
      const valuesSize = header.uncompressed_page_size - levelsLength;
      let values = compressed.subarray(levelsLength);
      // A page with no values may have zero compressed bytes, which is not a valid stream.
      if (daph2.is_compressed !== false && valuesSize) values = decompressPageInto(values, valuesSize, this.#codec, this.#buffers.page);
      bytes = toBuffer(values);
      valuesAt = 0;
    } else {
      throw new Error(`parquet unsupported page type: ${header.type}`);
    }
    if (firstRow + rowCount > this.#rowCount) throw new Error(`its pages hold more than the row group's ${this.#rowCount} rows`);
    if (encoding === 'PLAIN') return { firstRow, rowCount, bytes, definitions, indices: undefined, nextRow: 0, nextValue: valuesAt };
    if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
      const nonNull = definitions === undefined ? rowCount : definitions.reduce((count, level) => count + level, 0);
      const indices = readDictionaryIndices(bytes, valuesAt, this.#buffers.indices.takeInt32(nonNull));
      return { firstRow, rowCount, bytes, definitions, indices, nextRow: 0, nextValue: 0 };
    }
    throw new Error(`parquet unsupported encoding for text: ${encoding}`);
  }
}

/** PLAIN BYTE_ARRAY: a 4-byte little-endian length, then the bytes. Where the value at `offset` ends. */
function plainValueEnd(bytes: Buffer, offset: number): number {
  if (offset + 4 > bytes.byteLength) throw new Error('a text value runs past the end of its page');
  const end = offset + 4 + bytes.readUInt32LE(offset);
  if (end > bytes.byteLength) throw new Error('a text value runs past the end of its page');
  return end;
}

/** RLE_DICTIONARY: a bit width, then the dictionary indices of the page's non-null values. */
function readDictionaryIndices(bytes: Buffer, from: number, indices: Int32Array): Int32Array {
  const bitWidth = bytes[from] ?? 0;
  // The buffer is reused: an index a damaged page leaves undecoded must not be the last page's.
  indices.fill(bitWidth === 0 ? 0 : NOT_DECODED);
  if (bitWidth !== 0 && indices.length > 0) {
    readRleBitPackedHybrid({ view: dataView(bytes), offset: from + 1 }, bitWidth, indices, bytes.byteLength - from - 1);
  }
  return indices;
}

function decodeText(bytes: Buffer, start: number, end: number): string {
  // TextDecoder (hyparquet's way) drops a leading BOM; Buffer's decoder keeps it.
  if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
    return textDecoder.decode(bytes.subarray(start, end));
  }
  return bytes.toString('utf8', start, end);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
