import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { RowGroup, SchemaTree } from 'hyparquet';
import { parquetSchema } from 'hyparquet/src/metadata.js';
import { ColumnPageError, ExportError, InputFileError, InternalError } from '../../errors.js';
import type { FormatReader } from '../format-reader.js';
import type { SourceRecord } from '../source-record.js';
import { openParquetFile, type ParquetFile } from './parquet-file.js';
import { toRecordFields } from './parquet-values.js';
import { loadDecompressors } from './codecs.js';
import { chunkMetadata, ColumnBuffers, isFlatColumn, type ChunkSource, type ColumnChunkRows } from './column-chunk.js';
import { NestedColumnChunk } from './nested-column-chunk.js';
import { PagedColumnChunk } from './paged-column-chunk.js';
import { isTextChunk, isTextColumn, TextColumnChunk } from './text-column-chunk.js';

/**
 * Rows turned into records at a time: every column's pages are read from the file, ahead, as far
 * as a slice needs, and decoded as its rows are asked for. Memory holds a few pages of each column
 * and a slice of records, whatever the size of the file or of its row groups.
 */
const SLICE_ROWS = 16_384;
/** Records per batch handed on: about what one 64 KB chunk of CSV holds. */
const BATCH_RECORDS = 1_024;

export interface ParquetReader extends FormatReader {
  /** sha256 hex of the file's bytes; available once `batches` has been read to the end. */
  contentDigest(): string;
}

export interface ParquetReaderOptions {
  /** The file name used in error messages; the path by default. */
  readonly displayName?: string;
  readonly signal?: AbortSignal;
}

/**
 * Opens a Parquet file and reads its rows in row-group order, a slice of 16,384 rows at a time,
 * each column a page at a time, so memory does not grow with the file or its row groups. A record's `line` is
 * its 1-based row number in the file. The footer is read and checked here: a damaged file fails
 * before any row is read.
 */
export async function openParquetReader(path: string, options: ParquetReaderOptions = {}): Promise<ParquetReader> {
  const file = await openParquetFile(path, options.displayName ?? path);
  const schema = parquetSchema(file.metadata);
  const schemaColumns = schema.children;
  const columns = schemaColumns.map((child) => child.element.name);
  let digestHex: string | undefined;
  async function* readBatches(): AsyncGenerator<readonly SourceRecord[], void, undefined> {
    const digest = new FileDigest(path);
    const buffers = new Map(columns.map((name) => [name, new ColumnBuffers()]));
    try {
      const decompressors = await loadDecompressors(file.metadata);
      let groupStart = 0;
      for (const [groupIndex, group] of file.metadata.row_groups.entries()) {
        const groupRows = Number(group.num_rows);
        const groupEnd = groupStart + groupRows;
        const chunks = schemaColumns.map((column) => {
          const source = { file: file.buffer, decompressors, buffers: buffers.get(column.element.name)! };
          return openColumnChunk(file, source, group, groupIndex, column, schema, groupRows);
        });
        for (let start = groupStart; start < groupEnd; start += SLICE_ROWS) {
          options.signal?.throwIfAborted();
          const end = Math.min(start + SLICE_ROWS, groupEnd);
          await Promise.all(chunks.map((chunk, index) => loadPages(file, chunk, columns[index]!, end - groupStart, groupIndex)));
          const offset = start - groupStart;
          const values = chunks.map((chunk, index) => (row: number) => readValue(file, chunk, columns[index]!, offset + row, groupIndex));
          for (let at = 0; at < end - start; at += BATCH_RECORDS) {
            const batch: SourceRecord[] = [];
            for (let row = at; row < Math.min(at + BATCH_RECORDS, end - start); row++) {
              const fields: Record<string, unknown> = {};
              for (let index = 0; index < columns.length; index++) fields[columns[index]!] = values[index]!(row);
              batch.push({ line: start + row + 1, fields: toRecordFields(fields) });
            }
            yield batch;
          }
        }
        groupStart = groupEnd;
      }
      digestHex = await digest.value;
    } finally {
      digest.stop();
      await file.close();
    }
  }
  return {
    columns,
    batches: readBatches(),
    contentDigest: () => {
      if (digestHex === undefined) throw new InternalError('contentDigest() was called before the Parquet file was read to the end.');
      return digestHex;
    },
  };
}

/**
 * The column's chunk in the group, read a page at a time: plain text by klaviyo-export's own
 * decoder, other flat columns by hyparquet's page decoders, nested ones (lists, maps, structs)
 * assembled by hyparquet from their leaves' pages.
 */
function openColumnChunk(
  file: ParquetFile,
  source: ChunkSource,
  group: RowGroup,
  groupIndex: number,
  column: SchemaTree,
  schema: SchemaTree,
  groupRows: number,
): ColumnChunkRows {
  try {
    if (!isFlatColumn(column)) return NestedColumnChunk.open(source, group, column, schema, groupRows);
    const meta = chunkMetadata(group, column.path);
    if (meta === undefined) throw new Error('the row group has no data for it');
    if (isTextColumn(column) && isTextChunk(meta)) return TextColumnChunk.open(source, meta, column, groupRows);
    return PagedColumnChunk.open(source, meta, column, schema, groupRows);
  } catch (error) {
    throw damagedFile(file, error, `column ${column.element.name} (row group ${groupIndex + 1}) cannot be read`);
  }
}

async function loadPages(file: ParquetFile, chunk: ColumnChunkRows, column: string, rows: number, groupIndex: number): Promise<void> {
  try {
    await chunk.load(rows);
  } catch (error) {
    const row = error instanceof ColumnPageError ? ` row ${error.row + 1} of` : '';
    throw damagedFile(
      file,
      error instanceof ColumnPageError ? error.cause : error,
      `column ${column},${row} row group ${groupIndex + 1}, cannot be read`,
    );
  }
}

function readValue(file: ParquetFile, chunk: ColumnChunkRows, column: string, row: number, groupIndex: number): unknown {
  try {
    return chunk.valueAt(row);
  } catch (error) {
    throw damagedFile(file, error, `column ${column}, row ${row + 1} of row group ${groupIndex + 1}, cannot be read`);
  }
}

function damagedFile(file: ParquetFile, error: unknown, what: string): ExportError {
  if (error instanceof ExportError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new InputFileError(
    file.displayName,
    {},
    `${what}: ${reason}; the file is damaged or written in a way klaviyo-export does not read`,
    {
      cause: error,
    },
  );
}

/**
 * The file's sha256, read alongside the rows (which are read by position, out of file order), a
 * megabyte at a time into one buffer.
 */
class FileDigest {
  readonly value: Promise<string>;
  #stopped = false;

  constructor(path: string) {
    this.value = this.#hash(path);
    // A reader left early (only the columns were wanted) never awaits it.
    this.value.catch(() => undefined);
  }

  async #hash(path: string): Promise<string> {
    const hash = createHash('sha256');
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.allocUnsafeSlow(1 << 20);
      for (let position = 0; !this.#stopped;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
        if (bytesRead === 0) return hash.digest('hex');
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      throw new InternalError('The Parquet file digest was stopped before the file was read.');
    } finally {
      await handle.close();
    }
  }

  stop(): void {
    this.#stopped = true;
  }
}
