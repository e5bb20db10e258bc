import { open, type FileHandle } from 'node:fs/promises';
import type { AsyncBuffer, CompressionCodec, FileMetaData } from 'hyparquet';
import { parquetMetadata } from 'hyparquet/src/metadata.js';
import { EmptyFileError, InputFileError } from '../../errors.js';
import { describeOpenError } from '../byte-source.js';

/** `PAR1`: the first and the last four bytes of every Parquet file. */
export const PARQUET_MAGIC = Buffer.from('PAR1', 'ascii');
/** The footer's tail: its 4-byte length, then the magic. */
const FOOTER_TAIL_BYTES = 8;

/** The codecs hyparquet with hyparquet-compressors decodes. */
const READABLE_CODECS: ReadonlySet<CompressionCodec> = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'ZSTD', 'BROTLI', 'LZ4', 'LZ4_RAW']);

/** An open Parquet file: its footer, checked, and its bytes read on demand. */
export interface ParquetFile {
  readonly displayName: string;
  readonly byteLength: number;
  readonly metadata: FileMetaData;
  /** Reads slices at their positions: the file is never read whole into memory. */
  readonly buffer: AsyncBuffer;
  close(): Promise<void>;
}

/**
 * Opens a Parquet file and reads its footer. A file that is not Parquet, or is damaged (no footer,
 * truncated, a footer that cannot be decoded, a column chunk past the end, a codec that cannot be
 * read), fails here with one InputFileError sentence, before any row is read.
 */
export async function openParquetFile(path: string, displayName = path): Promise<ParquetFile> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new InputFileError(displayName, {}, describeOpenError(error), { cause: error });
  });
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new InputFileError(displayName, {}, 'is a directory, not a file');
    const byteLength = stats.size;
    if (byteLength === 0) throw new EmptyFileError(displayName);
    const metadata = await readFooter(handle, byteLength, displayName);
    checkColumnChunks(metadata, byteLength, displayName);
    return { displayName, byteLength, metadata, buffer: fileBuffer(handle, byteLength), close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readFooter(handle: FileHandle, byteLength: number, displayName: string): Promise<FileMetaData> {
  const damaged = (reason: string, cause?: unknown): InputFileError =>
    new InputFileError(displayName, {}, `is not a readable Parquet file: ${reason}`, { cause });
  if (byteLength < PARQUET_MAGIC.length * 2 + 4) throw damaged(`it is only ${byteLength} bytes long`);
  const head = await readAt(handle, 0, PARQUET_MAGIC.length);
  if (!head.equals(PARQUET_MAGIC)) throw damaged('it does not start with the magic bytes PAR1');
  const tail = await readAt(handle, byteLength - FOOTER_TAIL_BYTES, FOOTER_TAIL_BYTES);
  if (!tail.subarray(4).equals(PARQUET_MAGIC)) {
    throw damaged('it does not end with PAR1, so it has no footer: the file is truncated, or was still being written when it was copied');
  }
  const footerLength = tail.readUInt32LE(0);
  if (footerLength + FOOTER_TAIL_BYTES + PARQUET_MAGIC.length > byteLength) {
    throw damaged(`its footer claims ${footerLength} bytes, more than the file holds: the file is truncated`);
  }
  const footer = await readAt(handle, byteLength - FOOTER_TAIL_BYTES - footerLength, footerLength + FOOTER_TAIL_BYTES);
  try {
    return parquetMetadata(toArrayBuffer(footer));
  } catch (error) {
    throw damaged(`its footer cannot be decoded (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

/** A column chunk that lies past the data section means a damaged file: said before any row is read. */
function checkColumnChunks(metadata: FileMetaData, byteLength: number, displayName: string): void {
  const dataEnd = byteLength - FOOTER_TAIL_BYTES - metadata.metadata_length;
  metadata.row_groups.forEach((group, groupIndex) => {
    for (const chunk of group.columns) {
      const column = chunk.meta_data;
      if (column === undefined)
        throw new InputFileError(
          displayName,
          {},
          `is not a readable Parquet file: row group ${groupIndex + 1} has a column without its metadata`,
        );
      const name = column.path_in_schema.join('.');
      if (chunk.file_path !== undefined) {
        throw new InputFileError(
          displayName,
          {},
          `column ${name} is kept in another file (${chunk.file_path}), which klaviyo-export does not read`,
        );
      }
      if (!READABLE_CODECS.has(column.codec)) {
        throw new InputFileError(
          displayName,
          {},
          `column ${name} is compressed with ${column.codec}, which klaviyo-export cannot read (it reads snappy, gzip, zstd, brotli and lz4): write the file with one of those`,
        );
      }
      // Some writers put 0 for "no dictionary page".
      const start = Number(column.dictionary_page_offset || column.data_page_offset);
      const end = start + Number(column.total_compressed_size);
      if (start < PARQUET_MAGIC.length || end > dataEnd) {
        throw new InputFileError(
          displayName,
          {},
          `is not a readable Parquet file: row group ${groupIndex + 1}'s column ${name} lies outside the file's data (bytes ${start} to ${end} of ${dataEnd}): the file is damaged`,
        );
      }
    }
  });
}

function fileBuffer(handle: FileHandle, byteLength: number): AsyncBuffer {
  return {
    byteLength,
    async slice(start: number, end: number = byteLength): Promise<ArrayBuffer> {
      const bytes = await readAt(handle, start, Math.max(0, Math.min(end, byteLength) - start));
      return toArrayBuffer(bytes);
    },
  };
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  // Buffer.allocUnsafeSlow: its own ArrayBuffer, not a slice of Node's shared pool.
  const bytes = Buffer.allocUnsafeSlow(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) return bytes.subarray(0, filled);
    filled += bytesRead;
  }
  return bytes;
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
}
