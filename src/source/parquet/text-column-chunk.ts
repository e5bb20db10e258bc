import type { AsyncBuffer, ColumnMetaData, PageHeader, SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';

/** What hyparquet's default `stringFromBytes` uses: it drops a leading byte order mark. */
const textDecoder = new TextDecoder();
const NO_VALUE = -1;

/**
 * Whether a top-level column holds plain text that a TextColumnChunk reads: BYTE_ARRAY, not
 * repeated, not nested, and either unannotated or annotated as a string. hyparquet turns exactly
 * these into strings with TextDecoder; every other shape (JSON, enums, decimals, lists, structs)
 * is left to hyparquet.
 */
export function isTextColumn(column: SchemaTree): boolean {
  const { element } = column;
  return (
    column.children.length === 0 &&
    element.type === 'BYTE_ARRAY' &&
    element.repetition_type !== 'REPEATED' &&
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

/** One decoded data page: its bytes, and per row where its value lies (or NO_VALUE for null). */
interface TextPage {
  readonly firstRow: number;
  readonly rowCount: number;
  readonly bytes: Buffer;
  /** A PLAIN page: each row's value starts here in `bytes`; a dictionary page: its index. */
  readonly starts: Int32Array;
  /** A PLAIN page: each row's value ends here; undefined for a dictionary page. */
  readonly ends: Int32Array | undefined;
}

/**
 * A text column's chunk in one row group, decoded a page at a time and each value made a string
 * only when its row is asked for. hyparquet decodes a page whole into one view and one string per
 * value, which live until the row group's records are built and so are promoted to old space; here
 * a page keeps only its bytes and two Int32Arrays, and each string dies with its record.
 * Rows must be asked for in ascending order.
 */
export class TextColumnChunk {
  readonly #bytes: Uint8Array;
  readonly #codec: ColumnMetaData['codec'];
  readonly #isOptional: boolean;
  readonly #rowCount: number;
  #offset = 0;
  #dictionary: readonly string[] | undefined;
  #page: TextPage | undefined;
  #pageEndRow = 0;

  private constructor(bytes: Uint8Array, meta: ColumnMetaData, isOptional: boolean, rowCount: number) {
    this.#bytes = bytes;
    this.#codec = meta.codec;
    this.#isOptional = isOptional;
    this.#rowCount = rowCount;
  }

  /** Reads the chunk's compressed bytes; pages are decoded as their rows are asked for. */
  static async read(buffer: AsyncBuffer, meta: ColumnMetaData, column: SchemaTree, rowCount: number): Promise<TextColumnChunk> {
    // Some writers put 0 for "no dictionary page".
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const bytes = new Uint8Array(await buffer.slice(start, start + Number(meta.total_compressed_size)));
    return new TextColumnChunk(bytes, meta, column.element.repetition_type === 'OPTIONAL', rowCount);
  }

  /** The value of the chunk's row `row` (0-based within the row group): a string, or null. */
  valueAt(row: number): string | null {
    while (row >= this.#pageEndRow) this.#readNextPage();
    const page = this.#page!;
    const at = row - page.firstRow;
    const start = page.starts[at]!;
    if (start === NO_VALUE) return null;
    if (page.ends === undefined) return this.#dictionary?.[start] ?? null;
    return decodeText(page.bytes, start, page.ends[at]!);
  }

  #readNextPage(): void {
    for (;;) {
      if (this.#offset >= this.#bytes.byteLength - 1) {
        throw new Error(`the column chunk ends after ${this.#pageEndRow} of its ${this.#rowCount} rows`);
      }
      const reader = { view: new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength), offset: this.#offset };
      const header = parquetHeader(reader);
      const compressed = this.#bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
      if (compressed.byteLength !== header.compressed_page_size) throw new Error('a page runs past the end of its column chunk');
      this.#offset = reader.offset + header.compressed_page_size;
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
    const bytes = toBuffer(decompressPage(compressed, header.uncompressed_page_size, this.#codec, compressors));
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    readPlainOffsets(bytes, 0, starts, ends, undefined);
    return Array.from(starts, (start, index) => decodeText(bytes, start, ends[index]!));
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
      bytes = toBuffer(decompressPage(compressed, header.uncompressed_page_size, this.#codec, compressors));
      const reader = { view: dataView(bytes), offset: 0 };
      if (this.#isOptional) {
        definitions = new Uint8Array(rowCount);
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
        definitions = new Uint8Array(daph2.num_values);
        const reader = { view: dataView(compressed), offset: daph2.repetition_levels_byte_length };
        readRleBitPackedHybrid(reader, 1, definitions, daph2.definition_levels_byte_length);
      }
      const valuesSize = header.uncompressed_page_size - levelsLength;
      let values = compressed.subarray(levelsLength);
      // A page with no values may have zero compressed bytes, which is not a valid stream.
      if (daph2.is_compressed !== false && valuesSize) values = decompressPage(values, valuesSize, this.#codec, compressors);
      bytes = toBuffer(values);
      valuesAt = 0;
    } else {
      throw new Error(`parquet unsupported page type: ${header.type}`);
    }
    if (firstRow + rowCount > this.#rowCount) throw new Error(`its pages hold more than the row group's ${this.#rowCount} rows`);
    const starts = new Int32Array(rowCount);
    if (encoding === 'PLAIN') {
      const ends = new Int32Array(rowCount);
      readPlainOffsets(bytes, valuesAt, starts, ends, definitions);
      return { firstRow, rowCount, bytes, starts, ends };
    }
    if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
      readDictionaryIndices(bytes, valuesAt, starts, definitions);
      return { firstRow, rowCount, bytes, starts, ends: undefined };
    }
    throw new Error(`parquet unsupported encoding for text: ${encoding}`);
  }
}

/** PLAIN BYTE_ARRAY: a 4-byte little-endian length, then the bytes, for each non-null value. */
function readPlainOffsets(bytes: Buffer, from: number, starts: Int32Array, ends: Int32Array, definitions: Uint8Array | undefined): void {
  let offset = from;
  for (let row = 0; row < starts.length; row++) {
    if (definitions !== undefined && definitions[row] === 0) {
      starts[row] = NO_VALUE;
      continue;
    }
    if (offset + 4 > bytes.byteLength) throw new Error('a text value runs past the end of its page');
    const length = bytes.readUInt32LE(offset);
    const start = offset + 4;
    offset = start + length;
    if (offset > bytes.byteLength) throw new Error('a text value runs past the end of its page');
    starts[row] = start;
    ends[row] = offset;
  }
}

/** RLE_DICTIONARY: a bit width, then the indices of the non-null values, spread over the rows. */
function readDictionaryIndices(bytes: Buffer, from: number, indices: Int32Array, definitions: Uint8Array | undefined): void {
  const nonNull = definitions === undefined ? indices.length : definitions.reduce((count, level) => count + level, 0);
  const values = new Int32Array(nonNull);
  const bitWidth = bytes[from] ?? 0;
  if (bitWidth !== 0 && nonNull > 0) {
    readRleBitPackedHybrid({ view: dataView(bytes), offset: from + 1 }, bitWidth, values, bytes.byteLength - from - 1);
  }
  if (definitions === undefined) {
    indices.set(values);
    return;
  }
  let next = 0;
  for (let row = 0; row < indices.length; row++) indices[row] = definitions[row] === 0 ? NO_VALUE : values[next++]!;
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
