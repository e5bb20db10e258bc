import { extname } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { InputFileError } from '../errors.js';
import { errorCode } from './byte-source.js';

/** How a segment file's bytes are compressed; `zstd` is recognised only to be refused. */
export type Compression = 'gzip' | 'zlib' | 'deflate-raw' | 'brotli' | 'zstd';

/** The first bytes that tell a compression: gzip `1F 8B`, zlib `78 xx`, zstd `28 B5 2F FD`. */
export const COMPRESSION_MAGIC_BYTES = 4;

const compressionByExtension: Readonly<Record<string, Compression>> = {
  '.gz': 'gzip',
  '.gzip': 'gzip',
  '.zz': 'zlib',
  '.zlib': 'zlib',
  '.deflate': 'zlib',
  '.br': 'brotli',
  '.zst': 'zstd',
  '.zstd': 'zstd',
};

const labels: Readonly<Record<Compression, string>> = {
  gzip: 'gzip',
  zlib: 'zlib (deflate)',
  'deflate-raw': 'deflate',
  brotli: 'brotli',
  zstd: 'zstd',
};

/** Node's decoders write this much at a time: the readers' own chunk size, so no extra round per chunk. */
const OUTPUT_CHUNK_BYTES = 64 * 1024;

/**
 * The compression a path's last extension names (`segment.csv.gz` -> gzip), and the name without
 * it (`segment.csv`), whose extension then tells the format.
 */
export function compressionOfName(path: string): { compression: Compression | undefined; innerName: string } {
  const extension = extname(path).toLowerCase();
  const compression = compressionByExtension[extension];
  return compression === undefined ? { compression, innerName: path } : { compression, innerName: path.slice(0, -extension.length) };
}

/**
 * The compression the first bytes show. Brotli has no magic bytes: only its `.br` name tells it.
 * zlib is recognised by its usual header (a 32 KB window, `78 01`, `78 5E`, `78 9C` or `78 DA`,
 * which every common encoder writes), so that text that happens to start with `x` is not taken for it.
 */
export function compressionOfBytes(head: Uint8Array): Compression | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head[0] === 0x78 && (head[1] === 0x01 || head[1] === 0x5e || head[1] === 0x9c || head[1] === 0xda)) return 'zlib';
  return undefined;
}

/**
 * What a file is compressed with: its bytes say first (a gzip file named `.csv` is still gzip),
 * then its name (`.br`; a `.deflate` file without a zlib header is raw deflate).
 */
export function resolveCompression(head: Uint8Array, path: string | undefined): Compression | undefined {
  const byBytes = compressionOfBytes(head);
  if (byBytes !== undefined) return byBytes;
  const byName = path === undefined ? undefined : compressionOfName(path).compression;
  if (byName === 'brotli' || byName === 'zstd') return byName;
  if (byName === 'zlib' && path !== undefined && extname(path).toLowerCase() === '.deflate') return 'deflate-raw';
  // A `.gz` file that does not start like gzip is damaged: its decoder says so.
  return byName;
}

/**
 * The decompressed bytes of `stream`. A damaged or cut-short stream ends in one InputFileError
 * naming the file; zstd, which Node 20 cannot read, is refused before anything is read.
 */
export function decompressStream(stream: Readable | NodeJS.ReadableStream, compression: Compression, displayName: string): Readable {
  if (compression === 'zstd') {
    throw new InputFileError(
      displayName,
      {},
      'is compressed with zstd, which this version of Node.js cannot read: decompress it first (zstd -d), or export it as gzip',
    );
  }
  return Readable.from(decompressedChunks(stream as Readable, createDecoder(compression), compression, displayName), { objectMode: false });
}

function createDecoder(compression: Exclude<Compression, 'zstd'>): Transform {
  const options = { chunkSize: OUTPUT_CHUNK_BYTES };
  switch (compression) {
    case 'gzip':
      // Node reads every member of a multi-member gzip file (concatenated parts), not only the first.
      return createGunzip(options);
    case 'zlib':
      return createInflate(options);
    case 'deflate-raw':
      return createInflateRaw(options);
    case 'brotli':
      return createBrotliDecompress({ chunkSize: OUTPUT_CHUNK_BYTES, params: { [constants.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 1 } });
  }
}

async function* decompressedChunks(
  source: Readable,
  decoder: Transform,
  compression: Compression,
  displayName: string,
): AsyncGenerator<Buffer> {
  let sourceError: unknown;
  const onSourceError = (error: unknown): void => {
    sourceError = error;
    decoder.destroy(error as Error);
  };
  source.on('error', onSourceError);
  source.pipe(decoder);
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } catch (error) {
    // A read error of the file itself (EIO) is the reader's to describe; the decoder's is ours.
    if (sourceError !== undefined || isAbort(error)) throw error;
    throw new InputFileError(displayName, {}, describeDecoderError(error, compression), { cause: error });
  } finally {
    source.off('error', onSourceError);
    source.unpipe(decoder);
    decoder.destroy();
    if ('destroy' in source && typeof source.destroy === 'function') source.destroy();
  }
}

function describeDecoderError(error: unknown, compression: Compression): string {
  const label = labels[compression];
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'Z_BUF_ERROR') {
    return `the ${label} data ends too soon: the file is truncated (cut short while being written or copied) (${detail})`;
  }
  return `the ${label} data is damaged and cannot be decompressed (${detail})`;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.message === 'The read was aborted.');
}
