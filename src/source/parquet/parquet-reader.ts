import { createHash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { parquetReadObjects, parquetSchema, type RowGroup } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ExportError, InputFileError, InternalError } from '../../errors.js';
import type { FormatReader } from '../format-reader.js';
import type { SourceRecord } from '../source-record.js';
import { openParquetFile, type ParquetFile } from './parquet-file.js';
import { parquetParsers, toRecordFields } from './parquet-values.js';

/**
 * Rows decoded at a time where the file's offset index lets a row group be read in parts: what is
 * held in memory then stays about this many rows, whatever the row group's size.
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
  const columns = parquetSchema(file.metadata).children.map((child) => child.element.name);
  let digestHex: string | undefined;
  async function* readBatches(): AsyncGenerator<readonly SourceRecord[], void, undefined> {
    const digest = new FileDigest(path);
    try {
      let groupStart = 0;
      for (const [groupIndex, group] of file.metadata.row_groups.entries()) {
        const groupRows = Number(group.num_rows);
        const sliceRows = hasOffsetIndex(group) ? SLICE_ROWS : groupRows;
        for (let start = groupStart; start < groupStart + groupRows; start += sliceRows) {
          options.signal?.throwIfAborted();
          const end = Math.min(start + sliceRows, groupStart + groupRows);
          const rows = await readRows(file, start, end, groupIndex);
          for (let at = 0; at < rows.length; at += BATCH_RECORDS) {
            const batch: SourceRecord[] = [];
            for (let row = at; row < Math.min(at + BATCH_RECORDS, rows.length); row++) {
              batch.push({ line: start + row + 1, fields: toRecordFields(rows[row]!) });
            }
            yield batch;
          }
        }
        groupStart += groupRows;
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

async function readRows(file: ParquetFile, rowStart: number, rowEnd: number, groupIndex: number): Promise<Record<string, unknown>[]> {
  try {
    return await parquetReadObjects({
      file: file.buffer,
      metadata: file.metadata,
      compressors,
      parsers: parquetParsers,
      rowStart,
      rowEnd,
      useOffsetIndex: true,
    });
  } catch (error) {
    if (error instanceof ExportError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputFileError(
      file.displayName,
      {},
      `rows ${rowStart + 1} to ${rowEnd} (row group ${groupIndex + 1}) cannot be read: ${reason}; the file is damaged or written in a way klaviyo-export does not read`,
      { cause: error },
    );
  }
}

function hasOffsetIndex(group: RowGroup): boolean {
  return group.columns.every((chunk) => chunk.offset_index_offset !== undefined && chunk.offset_index_length !== undefined);
}

/** The file's sha256, read alongside the rows (which are read by position, out of file order). */
class FileDigest {
  readonly value: Promise<string>;
  readonly #stream: ReadStream;

  constructor(path: string) {
    const hash = createHash('sha256');
    this.#stream = createReadStream(path, { highWaterMark: 1 << 20 });
    this.value = new Promise((resolve, reject) => {
      this.#stream
        .on('data', (chunk) => hash.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(hash.digest('hex')));
    });
    // A reader left early (only the columns were wanted) never awaits it.
    this.value.catch(() => undefined);
  }

  stop(): void {
    this.#stream.destroy();
  }
}
