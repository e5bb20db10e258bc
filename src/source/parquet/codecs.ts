import type { CompressionCodec, FileMetaData } from 'hyparquet';
import type { Compressors } from 'hyparquet-compressors';
import { snappyUncompress } from 'hyparquet/src/snappy.js';

/**
 * The decompressors for the codecs a file uses, each loaded when a file first needs it: importing
 * hyparquet-compressors whole costs about 8 MB of memory (brotli's dictionary, gzip's tables, a
 * snappy WebAssembly instance) that a snappy file, the common case, has no use for. Snappy is
 * hyparquet's own decoder.
 */
export async function loadCompressors(metadata: FileMetaData): Promise<Compressors> {
  const codecs = new Set<CompressionCodec>();
  for (const group of metadata.row_groups) for (const chunk of group.columns) if (chunk.meta_data) codecs.add(chunk.meta_data.codec);
  const compressors: Compressors = { SNAPPY: decompressSnappy };
  if (codecs.has('GZIP')) {
    const { gunzip } = await import('hyparquet-compressors/src/gzip.js');
    compressors.GZIP = (input, length) => gunzip(input, new Uint8Array(length));
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
  return compressors;
}

function decompressSnappy(input: Uint8Array, length: number): Uint8Array {
  const output = new Uint8Array(length);
  snappyUncompress(input, output);
  return output;
}
