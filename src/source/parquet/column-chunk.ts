import type { ColumnMetaData, PageHeader, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { ReusableBytes } from './reusable-bytes.js';

/**
 * The buffers one column reads its chunks and pages into, and decodes a page's levels and offsets
 * into, from row group to row group: only the current page of each column is ever in memory.
 */
export class ColumnBuffers {
  readonly chunk = new ReusableBytes();
  readonly page = new ReusableBytes();
  readonly definitions = new ReusableBytes();
  readonly indices = new ReusableBytes();
}

/** Reads `length` bytes of the file from `start` into `into`, returning them. */
export type ReadFileBytes = (start: number, length: number, into: ReusableBytes) => Promise<Uint8Array>;

/** A column's chunk in one row group, read row after row: each of its rows once, in order. */
export interface ColumnChunkRows {
  /** The value of the chunk's row `row` (0-based within the row group). */
  valueAt(row: number): unknown;
}

/**
 * Whether a top-level column is flat: one value per row, not a list, a map or a struct. Such a
 * column's pages hold whole rows, so it can be read a page at a time; hyparquet assembles the
 * others from the whole of their rows.
 */
export function isFlatColumn(column: SchemaTree): boolean {
  return column.children.length === 0 && column.element.repetition_type !== 'REPEATED';
}

/** Reads a chunk's compressed bytes, its pages one after another, into `into`. */
export function readChunkBytes(readBytes: ReadFileBytes, meta: ColumnMetaData, into: ReusableBytes): Promise<Uint8Array> {
  // Some writers put 0 for "no dictionary page".
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return readBytes(start, Number(meta.total_compressed_size), into);
}

/** One page of a column chunk: its header, and its bytes as stored (compressed). */
export interface ChunkPage {
  readonly header: PageHeader;
  readonly stored: Uint8Array;
}

/** A column chunk's pages, one after the other, read from its bytes. */
export class ChunkPages {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The next page. `rowsRead` and `rowCount` say, when the chunk ends first, how far it went. */
  next(rowsRead: number, rowCount: number): ChunkPage {
    if (this.#offset >= this.#bytes.byteLength - 1) throw new Error(`the column chunk ends after ${rowsRead} of its ${rowCount} rows`);
    const reader = { view: new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength), offset: this.#offset };
    const header = parquetHeader(reader);
    const stored = this.#bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    if (stored.byteLength !== header.compressed_page_size) throw new Error('a page runs past the end of its column chunk');
    this.#offset = reader.offset + header.compressed_page_size;
    return { header, stored };
  }
}
