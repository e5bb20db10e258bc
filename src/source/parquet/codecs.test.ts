import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { CompressionCodec, FileMetaData } from 'hyparquet';
import { compress as compressZstd, init as initZstd } from '@bokuweb/zstd-wasm';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { describe, expect, test } from 'vitest';
import { loadDecompressors } from './codecs.js';

/** Just enough of a footer to name the codecs of its column chunks. */
function metadataWith(...codecs: CompressionCodec[]): FileMetaData {
  return { row_groups: [{ columns: codecs.map((codec) => ({ meta_data: { codec } })) }] } as unknown as FileMetaData;
}

const text = Buffer.from('someone@example.com,Someone,'.repeat(40));

/** An LZ4 block of literals only: a token whose high nibble is their length (under 15), then them. */
function lz4Literals(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([bytes.length << 4]), bytes]);
}

describe('loadDecompressors', () => {
  test('loads only snappy for a snappy file, and decompresses it into a buffer given or its own', async () => {
    const { compressors, into } = await loadDecompressors(metadataWith('SNAPPY', 'UNCOMPRESSED'));
    expect(Object.keys(compressors)).toEqual(['SNAPPY']);
    expect(Buffer.from(compressors.SNAPPY!(snappyCompress(text), text.length))).toEqual(text);
    const output = new Uint8Array(text.length);
    expect(into.SNAPPY!(snappyCompress(text), output)).toBe(output);
    expect(Buffer.from(output)).toEqual(text);
    expect(() => into.SNAPPY!(snappyCompress(text), new Uint8Array(text.length + 1))).toThrow();
  });

  test('loads and decompresses gzip, brotli, zstd and both lz4 when the file uses them', async () => {
    await initZstd();
    const { compressors, into } = await loadDecompressors(metadataWith('GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'));
    expect(Buffer.from(compressors.GZIP!(gzipSync(text), text.length))).toEqual(text);
    const output = new Uint8Array(text.length);
    expect(Buffer.from(into.GZIP!(gzipSync(text), output))).toEqual(text);
    expect(Buffer.from(output)).toEqual(text);
    expect(Buffer.from(compressors.BROTLI!(brotliCompressSync(text), text.length))).toEqual(text);
    expect(Buffer.from(compressors.ZSTD!(compressZstd(text, 3), text.length))).toEqual(text);
    const word = Buffer.from('hello');
    expect(Buffer.from(compressors.LZ4_RAW!(lz4Literals(word), word.length))).toEqual(word);
    // Hadoop's LZ4 framing: the block's decompressed and compressed sizes, big-endian, then the block.
    const block = lz4Literals(word);
    const framed = Buffer.alloc(8);
    framed.writeUInt32BE(word.length, 0);
    framed.writeUInt32BE(block.length, 4);
    expect(Buffer.from(compressors.LZ4!(Buffer.concat([framed, block]), word.length))).toEqual(word);
  });
});
