import type { CompressionCodec, FileMetaData } from 'hyparquet';
import type { Compressors } from 'hyparquet-compressors';
import { snappyUncompress } from 'hyparquet/src/snappy.js';

/** Decompresses `input` into `output`, which is exactly the decompressed size, and returns it. */
export type DecompressInto = (input: Uint8Array, output: Uint8Array) => Uint8Array;

/** The decompressors of a file's codecs. */
export interface Decompressors {
  /** For hyparquet: each call makes its own output. */
  readonly compressors: Compressors;
  /** The codecs that decompress into a buffer they are given, which a column reuses page after page. */
  readonly into: Partial<Record<CompressionCodec, DecompressInto>>;
}

/**
 * The decompressors for the codecs a file uses, each loaded when a file first needs it: importing
 * hyparquet-compressors whole costs about 8 MB of memory (brotli's dictionary, gzip's tables, a
 * snappy WebAssembly instance) that a snappy file, the common case, has no use for. Snappy is
 * hyparquet's own decoder.
 */
export async function loadDecompressors(metadata: FileMetaData): Promise<Decompressors> {
  const codecs = new Set<CompressionCodec>();
  for (const group of metadata.row_groups) for (const chunk of group.columns) if (chunk.meta_data) codecs.add(chunk.meta_data.codec);
  const into: Partial<Record<CompressionCodec, DecompressInto>> = { SNAPPY: snappyInto };
  const compressors: Compressors = {};
  if (codecs.has('GZIP')) {
    const { gunzip } = await import('hyparquet-compressors/src/gzip.js');
    into.GZIP = (input, output) => gunzip(input, output);
  }
  if (codecs.has('BROTLI')) compressors.BROTLI = (await import('hyparquet-compressors/src/brotli.js')).decompressBrotli;
  if (codecs.has('ZSTD')) {
    const { decompress } = await import('fzstd');
    compressors.ZSTD = (input) => decompress(input);
  }
  if (codecs.has('LZ4') || codecs.has('LZ4_RAW')) {
    const lz4 = await import('hyparquet-compressors/src/lz4.js');
    compressors.LZ4 = lz4.decompressLz4;
    compressors.LZ4_RAW = lz4.decompressLz4Raw;
  }
  for (const [codec, write] of Object.entries(into))
    compressors[codec as CompressionCodec] = (input, length) => write(input, new Uint8Array(length));
  return { compressors, into };
}

/** hyparquet's own snappy: it checks that the output comes out exactly full. */
function snappyInto(input: Uint8Array, output: Uint8Array): Uint8Array {
  snappyUncompress(input, output);
  return output;
}
