import type { ColumnMetaData, SchemaTree } from 'hyparquet';
import { convert } from 'hyparquet/src/convert.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel } from 'hyparquet/src/schema.js';
import { InternalError } from '../../errors.js';
import { columnDecoder, readDataPageLevels, readDictionaryPage, type ColumnDecoder, type DecodedArray } from './hyparquet-pages.js';
import { ChunkPages, type ChunkPage, type ChunkSource, type ColumnBuffers, type ColumnChunkRows } from './column-chunk.js';
import { dataView, dictionaryEntry, encodingOf, isDictionaryEncoding, readDataPageBody, readDictionaryIndices } from './data-page.js';
import { decompressPageInto, type PageCodec } from './reusable-bytes.js';

/**
 * Values converted at a time (timestamps to text, decimals to numbers...): a page's values stay
 * raw (mostly typed arrays, outside V8's heap) and each block of converted ones dies young,
 * where a page of a hundred thousand converted values would outlive collections and be promoted.
 */
const CONVERT_BLOCK = 1_024;

/**
 * A flat column's chunk in one row group (numbers, booleans, timestamps, decimals, text in the
 * encodings a TextColumnChunk does not decode), its pages decoded one at a time (values by
 * hyparquet's own decoders) and its values converted as their rows are asked for, so that memory
 * holds one page of the column, not its row group: pyarrow, for one, puts a million rows in a row
 * group and writes no offset index. Rows must be asked for one after another, from the first.
 */
export class PagedColumnChunk implements ColumnChunkRows {
  readonly #pages: ChunkPages;
  readonly #decoder: ColumnDecoder;
  /** The same, but decompressing a data page into the column's page buffer, where the codec allows. */
  readonly #dataPageDecoder: ColumnDecoder;
  readonly #buffers: ColumnBuffers;
  readonly #codec: PageCodec;
  readonly #isOptional: boolean;
  readonly #rowCount: number;
  readonly #maxDefinitionLevel: number;
  #dictionary: DecodedArray | undefined;
  /** The current page: its first row, its rows, which are null, and its values (raw). */
  #pageFirstRow = 0;
  #pageRows = 0;
  /** Per row, below `#maxDefinitionLevel` where the row is null; undefined when no row is. */
  #definitions: ArrayLike<number> | undefined;
  /** A dictionary page: the dictionary index of each value. */
  #indices: Int32Array | undefined;
  /** Any other page: its values, before conversion. */
  #raw: DecodedArray = [];
  #nextRow = 0;
  #nextValue = 0;
  /** Converted values `#raw[#blockStart...]`. */
  #block: DecodedArray = [];
  #blockStart = 0;

  private constructor(pages: ChunkPages, decoder: ColumnDecoder, codec: PageCodec, buffers: ColumnBuffers, rowCount: number) {
    this.#pages = pages;
    this.#decoder = decoder;
    this.#buffers = buffers;
    this.#isOptional = decoder.element.repetition_type === 'OPTIONAL';
    this.#codec = codec;
    // A page's raw values may be views of its decompressed bytes: the buffer is reused only once
    // every row of the page has been read. The dictionary page keeps bytes of its own.
    const intoPageBuffer = (input: Uint8Array, size: number): Uint8Array => decompressPageInto(input, size, this.#codec, buffers.page);
    this.#dataPageDecoder = { ...decoder, compressors: { ...codec.decompressors.compressors, [decoder.codec]: intoPageBuffer } };
    this.#rowCount = rowCount;
    this.#maxDefinitionLevel = getMaxDefinitionLevel(decoder.schemaPath);
  }

  /** The chunk of `meta`, whose pages are read from `file` as `load` asks for them and decoded into `buffers`. */
  static open(
    { file, decompressors, buffers }: ChunkSource,
    meta: ColumnMetaData,
    column: SchemaTree,
    root: SchemaTree,
    rowCount: number,
  ): PagedColumnChunk {
    const pages = new ChunkPages(file, meta, rowCount);
    const decoder = columnDecoder(meta, [root, column], decompressors.compressors);
    return new PagedColumnChunk(pages, decoder, { codec: meta.codec, decompressors }, buffers, rowCount);
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
    if (this.#definitions !== undefined && this.#definitions[at]! < this.#maxDefinitionLevel) return null;
    const position = this.#nextValue++;
    if (this.#indices !== undefined) return dictionaryEntry<unknown>(this.#dictionary, this.#indices, position);
    if (position >= this.#raw.length) throw new Error('a page holds fewer values than it has rows that are not null');
    if (position >= this.#blockStart + this.#block.length) {
      this.#blockStart = position;
      this.#block = convert(this.#raw.slice(position, position + CONVERT_BLOCK), this.#decoder);
    }
    return this.#block[position - this.#blockStart];
  }

  #readNextPage(): void {
    const firstRow = this.#pageFirstRow + this.#pageRows;
    for (;;) {
      const next = this.#pages.next();
      if (next.header.type === 'DICTIONARY_PAGE') {
        this.#dictionary = readDictionaryPage(next, this.#decoder) ?? this.#dictionary;
        continue;
      }
      const rows = this.#readDataPage(next);
      if (rows === 0) continue;
      if (firstRow + rows > this.#rowCount) throw new Error(`its pages hold more than the row group's ${this.#rowCount} rows`);
      this.#pageFirstRow = firstRow;
      this.#pageRows = rows;
      this.#nextRow = 0;
      this.#nextValue = 0;
      this.#block = [];
      this.#blockStart = 0;
      return;
    }
  }

  /**
   * Decodes a data page's levels and values and returns its rows. PLAIN and dictionary pages, the
   * common ones, are decoded into the column's reused buffers (hyparquet would make an Array of a
   * number per row for the levels and indices, which lives as long as the page is read and so is
   * promoted); the other encodings by hyparquet.
   */
  #readDataPage(page: ChunkPage): number {
    const encoding = encodingOf(page);
    if (encoding === 'PLAIN' || isDictionaryEncoding(encoding)) {
      const body = readDataPageBody(page, this.#codec, this.#isOptional, this.#buffers);
      this.#definitions = body.definitions;
      if (isDictionaryEncoding(encoding)) {
        if (this.#dictionary === undefined) throw new Error('a dictionary-encoded page comes before any dictionary page');
        this.#indices = readDictionaryIndices(body, this.#buffers.indices);
        this.#raw = [];
      } else {
        this.#indices = undefined;
        const reader = { view: dataView(body.bytes), offset: body.valuesAt };
        this.#raw = readPlain(reader, this.#decoder.type, body.valueCount, this.#decoder.element.type_length);
      }
      return body.rows;
    }
    const decompress = (stored: Uint8Array, size: number): Uint8Array => decompressPageInto(stored, size, this.#codec, this.#buffers.page);
    const { levels: decoded, count: rows } = readDataPageLevels(page, this.#dataPageDecoder, decompress);
    this.#definitions = decoded.definitionLevels?.length ? decoded.definitionLevels : undefined;
    this.#indices = undefined;
    this.#raw = decoded.dataPage;
    return rows;
  }
}
