import type { ColumnMetaData, SchemaTree } from 'hyparquet';
import { InternalError } from '../../errors.js';
import { ChunkPages, isFlatColumn, type ChunkPage, type ChunkSource, type ColumnBuffers, type ColumnChunkRows } from './column-chunk.js';
import { dictionaryEntry, isDictionaryEncoding, readDataPageBody, readDictionaryIndices, toBuffer } from './data-page.js';
import { decompressPageInto, type PageCodec } from './reusable-bytes.js';

/** What hyparquet's default `stringFromBytes` uses: it drops a leading byte order mark. */
const textDecoder = new TextDecoder();

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
  readonly #codec: PageCodec;
  readonly #isOptional: boolean;
  readonly #rowCount: number;
  #dictionary: readonly string[] | undefined;
  #page: TextPage | undefined;
  #pageEndRow = 0;

  private constructor(pages: ChunkPages, buffers: ColumnBuffers, codec: PageCodec, isOptional: boolean, rowCount: number) {
    this.#pages = pages;
    this.#buffers = buffers;
    this.#codec = codec;
    this.#isOptional = isOptional;
    this.#rowCount = rowCount;
  }

  /** The chunk of `meta`, whose pages are read from the file as `load` asks for them and decoded into the column's buffers. */
  static open({ file, decompressors, buffers }: ChunkSource, meta: ColumnMetaData, column: SchemaTree, rowCount: number): TextColumnChunk {
    const pages = new ChunkPages(file, meta, rowCount);
    const codec = { codec: meta.codec, decompressors };
    return new TextColumnChunk(pages, buffers, codec, column.element.repetition_type === 'OPTIONAL', rowCount);
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
    if (page.indices !== undefined) return dictionaryEntry(this.#dictionary, page.indices, page.nextValue++);
    const start = page.nextValue + 4;
    page.nextValue = plainValueEnd(page.bytes, page.nextValue);
    return decodeText(page.bytes, start, page.nextValue);
  }

  #readNextPage(): void {
    for (;;) {
      const next = this.#pages.next();
      if (next.header.type === 'DICTIONARY_PAGE') {
        this.#dictionary = this.#readDictionary(next);
        continue;
      }
      const page = this.#readDataPage(next);
      this.#page = page;
      this.#pageEndRow = page.firstRow + page.rowCount;
      return;
    }
  }

  #readDictionary({ header, stored }: ChunkPage): string[] {
    const count = header.dictionary_page_header?.num_values;
    if (count === undefined) throw new Error('parquet dictionary page header is undefined');
    const bytes = toBuffer(decompressPageInto(stored, header.uncompressed_page_size, this.#codec, this.#buffers.page));
    const dictionary = new Array<string>(count);
    for (let index = 0, offset = 0; index < count; index++) {
      const end = plainValueEnd(bytes, offset);
      dictionary[index] = decodeText(bytes, offset + 4, end);
      offset = end;
    }
    return dictionary;
  }

  #readDataPage(page: ChunkPage): TextPage {
    const firstRow = this.#pageEndRow;
    const body = readDataPageBody(page, this.#codec, this.#isOptional, this.#buffers);
    const { rows: rowCount, bytes, definitions } = body;
    if (firstRow + rowCount > this.#rowCount) throw new Error(`its pages hold more than the row group's ${this.#rowCount} rows`);
    if (body.encoding === 'PLAIN')
      return { firstRow, rowCount, bytes, definitions, indices: undefined, nextRow: 0, nextValue: body.valuesAt };
    if (isDictionaryEncoding(body.encoding)) {
      return {
        firstRow,
        rowCount,
        bytes,
        definitions,
        indices: readDictionaryIndices(body, this.#buffers.indices),
        nextRow: 0,
        nextValue: 0,
      };
    }
    throw new Error(`parquet unsupported encoding for text: ${body.encoding}`);
  }
}

/** PLAIN BYTE_ARRAY: a 4-byte little-endian length, then the bytes. Where the value at `offset` ends. */
function plainValueEnd(bytes: Buffer, offset: number): number {
  if (offset + 4 > bytes.byteLength) throw new Error('a text value runs past the end of its page');
  const end = offset + 4 + bytes.readUInt32LE(offset);
  if (end > bytes.byteLength) throw new Error('a text value runs past the end of its page');
  return end;
}

function decodeText(bytes: Buffer, start: number, end: number): string {
  // TextDecoder (hyparquet's way) drops a leading BOM; Buffer's decoder keeps it.
  if (end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
    return textDecoder.decode(bytes.subarray(start, end));
  }
  return bytes.toString('utf8', start, end);
}
