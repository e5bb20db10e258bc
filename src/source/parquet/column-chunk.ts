import type { AsyncBuffer, ColumnMetaData, PageHeader, RowGroup, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { ColumnPageError, InternalError } from '../../errors.js';
import type { Decompressors } from './codecs.js';
import { ReusableBytes } from './reusable-bytes.js';

/** Bytes read from the file at a time for a column's pages (more when one page is larger). */
const PAGE_WINDOW_BYTES = 256 * 1024;
/** Enough for nearly every page header; a larger one (long statistics) is read again, wider. */
const HEADER_BYTES = 4 * 1024;

/**
 * The buffers one column decompresses its pages and decodes a page's levels and indices into,
 * from row group to row group: only the current page of each column is ever decoded in memory.
 */
export class ColumnBuffers {
  readonly page = new ReusableBytes();
  readonly definitions = new ReusableBytes();
  readonly indices = new ReusableBytes();
}

/** Where a column chunk's pages come from and go: the file, its decompressors, the column's buffers. */
export interface ChunkSource {
  readonly file: AsyncBuffer;
  readonly decompressors: Decompressors;
  readonly buffers: ColumnBuffers;
}

/** A column's chunk in one row group, read row after row: each of its rows once, in order. */
export interface ColumnChunkRows {
  /** Reads from the file the pages that hold the chunk's rows up to `rows` (0-based, exclusive). */
  load(rows: number): Promise<void>;
  /** The value of the chunk's row `row` (0-based within the row group), once `load` has reached past it. */
  valueAt(row: number): unknown;
}

/**
 * Whether a top-level column is flat: one value per row, not a list, a map or a struct. Such a
 * column's pages hold whole rows and one value each; the others are assembled from their leaves.
 */
export function isFlatColumn(column: SchemaTree): boolean {
  return column.children.length === 0 && column.element.repetition_type !== 'REPEATED';
}

/** The metadata of the chunk of the column at `path` (its names from the top level down) in the group. */
export function chunkMetadata(group: RowGroup, path: readonly string[]): ColumnMetaData | undefined {
  return group.columns.find(
    ({ meta_data: meta }) =>
      meta?.path_in_schema.length === path.length && meta.path_in_schema.every((name, index) => name === path[index]),
  )?.meta_data;
}

/** One page of a column chunk: its header, and its bytes as stored (compressed). */
export interface ChunkPage {
  readonly header: PageHeader;
  readonly stored: Uint8Array;
}

/**
 * A column chunk's pages, read from the file as their rows are about to be wanted and handed out
 * one after the other, so that memory holds the pages in use, not the chunk: a row group from
 * Spark is 128 MB, one from pyarrow a million rows. A flat column's reader counts rows by page
 * header (`load`, `next`); a nested one's counts them itself (`read`).
 */
export class ChunkPages {
  readonly #file: AsyncBuffer;
  readonly #end: number;
  readonly #rowCount: number;
  readonly #loaded: ChunkPage[] = [];
  #position: number;
  #rowsLoaded = 0;
  #rowsHandedOut = 0;
  /** Bytes of the file from `#windowStart`, read ahead of the pages. */
  #window = new Uint8Array(0);
  #windowStart = 0;

  constructor(file: AsyncBuffer, meta: ColumnMetaData, rowCount: number) {
    this.#file = file;
    // Some writers put 0 for "no dictionary page".
    this.#position = Number(meta.dictionary_page_offset || meta.data_page_offset);
    this.#end = this.#position + Number(meta.total_compressed_size);
    this.#rowCount = rowCount;
  }

  /** Reads pages until those read hold the chunk's rows up to `rows`; throws ColumnPageError. */
  async load(rows: number): Promise<void> {
    while (this.#rowsLoaded < Math.min(rows, this.#rowCount)) {
      try {
        if (this.#position >= this.#end) throw new Error(`the column chunk ends after ${this.#rowsLoaded} of its ${this.#rowCount} rows`);
        const page = await this.#readPage();
        this.#loaded.push(page);
        this.#rowsLoaded += rowsOf(page.header);
      } catch (error) {
        throw new ColumnPageError(this.#rowsLoaded, error);
      }
    }
  }

  /** The next page, read now, or undefined at the end of the chunk: for a reader that counts rows itself. */
  read(): Promise<ChunkPage | undefined> {
    return this.#position >= this.#end ? Promise.resolve(undefined) : this.#readPage();
  }

  /** The next page read; `load` must have read it. */
  next(): ChunkPage {
    const page = this.#loaded.shift();
    if (page === undefined) {
      throw new InternalError(`A column's page after row ${this.#rowsHandedOut} was wanted before it was loaded.`);
    }
    this.#rowsHandedOut += rowsOf(page.header);
    return page;
  }

  async #readPage(): Promise<ChunkPage> {
    for (let headerBytes = HEADER_BYTES; ; headerBytes *= 4) {
      const wanted = Math.min(headerBytes, this.#end - this.#position);
      const bytes = await this.#bytesAt(this.#position, wanted);
      const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
      let header: PageHeader;
      try {
        header = parquetHeader(reader);
      } catch (error) {
        // Only a header cut off by the bytes read is tried again with more of them.
        if (wanted < this.#end - this.#position && error instanceof RangeError) continue;
        throw error;
      }
      const bodyStart = this.#position + reader.offset;
      const bodyEnd = bodyStart + header.compressed_page_size;
      if (bodyEnd > this.#end) throw new Error('a page runs past the end of its column chunk');
      const stored = (await this.#bytesAt(this.#position, bodyEnd - this.#position)).subarray(reader.offset);
      this.#position = bodyEnd;
      return { header, stored };
    }
  }

  /** `length` bytes from `start`, from the window when it holds them, else from a new one. */
  async #bytesAt(start: number, length: number): Promise<Uint8Array> {
    const offset = start - this.#windowStart;
    if (offset < 0 || offset + length > this.#window.byteLength) {
      const size = Math.min(Math.max(length, PAGE_WINDOW_BYTES), this.#end - start);
      // A new buffer each time: pages handed out still hold views of the last one.
      this.#window = new Uint8Array(await this.#file.slice(start, start + size));
      this.#windowStart = start;
      if (this.#window.byteLength < length) throw new Error('the file ends inside the column chunk');
      return this.#window.subarray(0, length);
    }
    return this.#window.subarray(offset, offset + length);
  }
}

/** The rows a page holds: a dictionary page none, a data page of a flat column one per value. */
function rowsOf(header: PageHeader): number {
  if (header.type === 'DATA_PAGE') return header.data_page_header?.num_values ?? 0;
  if (header.type === 'DATA_PAGE_V2') return header.data_page_header_v2?.num_rows ?? 0;
  return 0;
}
