import type { AsyncBuffer, ColumnMetaData, PageHeader, SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readPage } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { getMaxDefinitionLevel } from 'hyparquet/src/schema.js';
import { InternalError } from '../../errors.js';
import { parquetParsers } from './parquet-values.js';
import { ChunkPages, type ColumnBuffers, type ColumnChunkRows } from './column-chunk.js';
import { decompressPageInto, type ReusableBytes } from './reusable-bytes.js';

/** What hyparquet needs to decode a column's pages (its type is not exported by name). */
type ColumnDecoder = Parameters<typeof readPage>[2];
type DecodedArray = ReturnType<typeof convert>;

/**
 * Values converted at a time (timestamps to text, decimals to numbers...): a page's values stay
 * raw (mostly typed arrays, outside V8's heap) and each block of converted ones dies young,
 * where a page of a hundred thousand converted values would outlive collections and be promoted.
 */
const CONVERT_BLOCK = 1_024;

/**
 * A flat column's chunk in one row group (numbers, booleans, timestamps, decimals, text in the
 * encodings a TextColumnChunk does not decode), its pages decoded one at a time by hyparquet's own
 * page decoders and its values converted as their rows are asked for, so that memory holds one
 * page of the column, not its row group: pyarrow, for one, puts a million rows in a row group and
 * writes no offset index. Rows must be asked for one after another, from the first.
 */
export class PagedColumnChunk implements ColumnChunkRows {
  readonly #pages: ChunkPages;
  readonly #decoder: ColumnDecoder;
  /** The same, but decompressing a data page into `#pageBuffer`, where the codec allows. */
  readonly #dataPageDecoder: ColumnDecoder;
  readonly #pageBuffer: ReusableBytes;
  readonly #rowCount: number;
  readonly #maxDefinitionLevel: number;
  #dictionary: DecodedArray | undefined;
  /** The current page: its first row, its rows, which are null, and its values (raw). */
  #pageFirstRow = 0;
  #pageRows = 0;
  #definitionLevels: readonly number[] = [];
  #isDictionaryPage = false;
  #raw: DecodedArray = [];
  #nextRow = 0;
  #nextValue = 0;
  /** Converted values `#raw[#blockStart...]`. */
  #block: DecodedArray = [];
  #blockStart = 0;

  private constructor(pages: ChunkPages, decoder: ColumnDecoder, pageBuffer: ReusableBytes, rowCount: number) {
    this.#pages = pages;
    this.#decoder = decoder;
    this.#pageBuffer = pageBuffer;
    // A page's raw values may be views of its decompressed bytes: the buffer is reused only once
    // every row of the page has been read. The dictionary page keeps bytes of its own.
    const intoPageBuffer = (input: Uint8Array, size: number): Uint8Array => decompressPageInto(input, size, decoder.codec, pageBuffer);
    this.#dataPageDecoder = { ...decoder, compressors: { ...compressors, [decoder.codec]: intoPageBuffer } };
    this.#rowCount = rowCount;
    this.#maxDefinitionLevel = getMaxDefinitionLevel(decoder.schemaPath);
  }

  /** The chunk of `meta`, whose pages are read from `file` as `load` asks for them and decoded into `buffers`. */
  static open(
    file: AsyncBuffer,
    buffers: ColumnBuffers,
    meta: ColumnMetaData,
    column: SchemaTree,
    root: SchemaTree,
    rowCount: number,
  ): PagedColumnChunk {
    const pages = new ChunkPages(file, meta, rowCount);
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      type: meta.type,
      element: column.element,
      schemaPath: [root, column],
      codec: meta.codec,
      compressors,
      parsers: { ...DEFAULT_PARSERS, ...parquetParsers },
    };
    return new PagedColumnChunk(pages, decoder, buffers.page, rowCount);
  }

  load(rows: number): Promise<void> {
    return this.#pages.load(rows);
  }

  valueAt(row: number): unknown {
    while (row >= this.#pageFirstRow + this.#pageRows) this.#readNextPage();
    if (row !== this.#pageFirstRow + this.#nextRow) {
      throw new InternalError(
        `A column's row ${row + 1} was asked for after row ${this.#pageFirstRow + this.#nextRow}: rows must be read in order.`,
      );
    }
    const at = this.#nextRow++;
    if (this.#definitionLevels.length > 0 && this.#definitionLevels[at]! < this.#maxDefinitionLevel) return null;
    const position = this.#nextValue++;
    if (position >= this.#raw.length) throw new Error('a page holds fewer values than it has rows that are not null');
    if (this.#isDictionaryPage) {
      const value: unknown = this.#dictionary?.[Number(this.#raw[position])];
      if (value === undefined)
        throw new Error(`a value points at entry ${this.#raw[position]} of a dictionary of ${this.#dictionary?.length ?? 0}`);
      return value;
    }
    if (position >= this.#blockStart + this.#block.length) {
      this.#blockStart = position;
      this.#block = convert(this.#raw.slice(position, position + CONVERT_BLOCK), this.#decoder);
    }
    return this.#block[position - this.#blockStart];
  }

  #readNextPage(): void {
    const firstRow = this.#pageFirstRow + this.#pageRows;
    for (;;) {
      const { header, stored: compressed } = this.#pages.next();
      if (header.type === 'DICTIONARY_PAGE') {
        const reader = { view: new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength), offset: 0 };
        const { data } = readPage(reader, header, this.#decoder, undefined, undefined, 0);
        if (data !== undefined) this.#dictionary = convert(data, this.#decoder);
        continue;
      }
      const { rows, encoding, page } = this.#decodeDataPage(header, compressed);
      if (rows === 0) continue;
      if (firstRow + rows > this.#rowCount) throw new Error(`its pages hold more than the row group's ${this.#rowCount} rows`);
      this.#isDictionaryPage = encoding.endsWith('_DICTIONARY');
      if (this.#isDictionaryPage && this.#dictionary === undefined)
        throw new Error('a dictionary-encoded page comes before any dictionary page');
      this.#pageFirstRow = firstRow;
      this.#pageRows = rows;
      this.#definitionLevels = page.definitionLevels ?? [];
      this.#raw = page.dataPage;
      this.#nextRow = 0;
      this.#nextValue = 0;
      this.#block = [];
      this.#blockStart = 0;
      return;
    }
  }

  #decodeDataPage(header: PageHeader, compressed: Uint8Array): { rows: number; encoding: string; page: ReturnType<typeof readDataPage> } {
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header;
      if (!daph) throw new Error('parquet data page header is undefined');
      const bytes = decompressPageInto(compressed, header.uncompressed_page_size, this.#decoder.codec, this.#pageBuffer);
      return { rows: daph.num_values, encoding: daph.encoding, page: readDataPage(bytes, daph, this.#decoder) };
    }
    if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2;
      if (!daph2) throw new Error('parquet data page header v2 is undefined');
      return { rows: daph2.num_rows, encoding: daph2.encoding, page: readDataPageV2(compressed, header, this.#dataPageDecoder) };
    }
    throw new Error(`parquet unsupported page type: ${header.type}`);
  }
}
