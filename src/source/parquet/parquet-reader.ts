import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { parquetScan, parquetSchema, type ColumnMetaData, type ParquetScan, type RowGroup, type SchemaTree } from 'hyparquet';
import type { Compressors } from 'hyparquet-compressors';
import { ColumnPageError, ExportError, InputFileError, InternalError } from '../../errors.js';
import type { FormatReader } from '../format-reader.js';
import type { SourceRecord } from '../source-record.js';
import { openParquetFile, type ParquetFile } from './parquet-file.js';
import { parquetParsers, toRecordFields } from './parquet-values.js';
import { ReusableBytes } from './reusable-bytes.js';
import { loadDecompressors } from './codecs.js';
import { ColumnBuffers, isFlatColumn, type ChunkSource, type ColumnChunkRows } from './column-chunk.js';
import { NestedColumnChunk, singleLeaf } from './nested-column-chunk.js';
import { PagedColumnChunk } from './paged-column-chunk.js';
import { isTextChunk, isTextColumn, TextColumnChunk } from './text-column-chunk.js';

/**
 * Rows turned into records at a time. A flat column (one value per row) and a nested one of a
 * single leaf (a list) are read and decoded a page at a time as their rows are asked for. Other
 * nested ones (a map, a struct of several fields) with an offset index are decoded a slice at a
 * time (their pages for those rows); without one, once per row group and sliced: memory holds a
 * page of each paged column, at most a row group of the others, and a slice of records.
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
 * Opens a Parquet file and reads its rows in row-group order, a row group (or, with an offset
 * index, a slice of one) at a time, so memory does not grow with the file. A record's `line` is
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
      const scan = await scanFile(file, decompressors.compressors);
      let groupStart = 0;
      for (const [groupIndex, group] of file.metadata.row_groups.entries()) {
        const groupRows = Number(group.num_rows);
        const groupEnd = groupStart + groupRows;
        const indexed = indexedColumns(group);
        // Flat columns and nested ones of one leaf: read and decoded a page at a time as records are
        // built. Other unindexed nested columns (maps, structs of several fields): the whole row group, once, one column after another, so that
        // each column's raw pages are garbage before the next is decoded.
        const pagedChunks = new Map<string, ColumnChunkRows>();
        const wholeGroup = new Map<string, ArrayLike<unknown>>();
        for (const column of schemaColumns) {
          const name = column.element.name;
          const source = { file: file.buffer, decompressors, buffers: buffers.get(name)! };
          const paged = openPagedChunk(source, group, column, schema, groupRows);
          if (paged !== undefined) pagedChunks.set(name, paged);
          else if (!indexed.has(name)) wholeGroup.set(name, await readColumn(file, scan, name, groupStart, groupEnd, groupIndex));
        }
        for (let start = groupStart; start < groupEnd; start += SLICE_ROWS) {
          options.signal?.throwIfAborted();
          const end = Math.min(start + SLICE_ROWS, groupEnd);
          const values = await Promise.all(
            columns.map(async (column): Promise<(row: number) => unknown> => {
              const paged = pagedChunks.get(column);
              if (paged !== undefined) {
                const offset = start - groupStart;
                await loadPages(file, paged, column, end - groupStart, groupIndex);
                return (row) => readPagedValue(file, paged, column, offset + row, groupIndex);
              }
              const whole = wholeGroup.get(column);
              const data = whole ?? (await readColumn(file, scan, column, start, end, groupIndex));
              const offset = whole === undefined ? 0 : start - groupStart;
              return (row) => data[offset + row];
            }),
          );
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

async function scanFile(file: ParquetFile, compressors: Compressors): Promise<ParquetScan> {
  try {
    return await parquetScan({ file: file.buffer, metadata: file.metadata, compressors, parsers: parquetParsers, useOffsetIndex: true });
  } catch (error) {
    throw damagedFile(file, error, 'its rows cannot be located');
  }
}

async function readColumn(
  file: ParquetFile,
  scan: ParquetScan,
  column: string,
  rowStart: number,
  rowEnd: number,
  groupIndex: number,
): Promise<ArrayLike<unknown>> {
  try {
    return (await scan.readColumn({ column, rowStart, rowEnd })) as ArrayLike<unknown>;
  } catch (error) {
    throw damagedFile(file, error, `column ${column}, rows ${rowStart + 1} to ${rowEnd} (row group ${groupIndex + 1}), cannot be read`);
  }
}

/**
 * The column's chunk in the group read a page at a time: plain text by klaviyo-export's own
 * decoder, other flat columns and nested ones of a single leaf by hyparquet's page decoders. Undefined
 * for a column that hyparquet's scan must assemble from several leaves (a map, a struct of several fields).
 */
function openPagedChunk(
  source: ChunkSource,
  group: RowGroup,
  column: SchemaTree,
  schema: SchemaTree,
  groupRows: number,
): ColumnChunkRows | undefined {
  if (isFlatColumn(column)) {
    const meta = chunkMetadata(group, column.path);
    if (meta === undefined) return undefined;
    if (isTextColumn(column) && isTextChunk(meta)) return TextColumnChunk.open(source, meta, column, groupRows);
    return PagedColumnChunk.open(source, meta, column, schema, groupRows);
  }
  const leaf = singleLeaf(column);
  const meta = leaf === undefined ? undefined : chunkMetadata(group, leaf.path);
  return meta === undefined ? undefined : NestedColumnChunk.open(source, meta, column, leaf!, schema, groupRows);
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

function readPagedValue(file: ParquetFile, chunk: ColumnChunkRows, column: string, row: number, groupIndex: number): unknown {
  try {
    return chunk.valueAt(row);
  } catch (error) {
    throw damagedFile(file, error, `column ${column}, row ${row + 1} of row group ${groupIndex + 1}, cannot be read`);
  }
}

/** The metadata of the chunk of the column at `path` (its names from the top level down) in the group. */
function chunkMetadata(group: RowGroup, path: readonly string[]): ColumnMetaData | undefined {
  return group.columns.find((chunk) => chunk.meta_data?.path_in_schema.join('\u0000') === path.join('\u0000'))?.meta_data;
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

/** The top-level columns whose every chunk in the group has an offset index: those can be read by pages. */
function indexedColumns(group: RowGroup): ReadonlySet<string> {
  const indexed = new Map<string, boolean>();
  for (const chunk of group.columns) {
    const name = chunk.meta_data?.path_in_schema[0];
    if (name === undefined) continue;
    const hasIndex = chunk.offset_index_offset !== undefined && chunk.offset_index_length !== undefined;
    indexed.set(name, (indexed.get(name) ?? true) && hasIndex);
  }
  return new Set([...indexed].filter(([, hasIndex]) => hasIndex).map(([name]) => name));
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
      const buffer = new ReusableBytes().take(1 << 20);
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
