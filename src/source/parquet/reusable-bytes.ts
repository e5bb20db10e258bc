import type { CompressionCodec } from 'hyparquet';
import type { Compressors } from 'hyparquet-compressors';
import { snappyUncompress } from 'hyparquet/src/snappy.js';
import { decompressPage } from 'hyparquet/src/datapage.js';

/**
 * A buffer used again and again, grown when a larger one is asked for. A column's pages are
 * decompressed, and their levels and indices decoded, into these instead of a new ArrayBuffer each:
 * a file's worth of short-lived ArrayBuffers would otherwise live, outside V8's heap, until a
 * collection happens to free them, and raise the process's peak RSS by tens of megabytes.
 */
export class ReusableBytes {
  #buffer: Buffer = Buffer.alloc(0);

  /** `length` bytes, valid until the next call: what was there before is overwritten. */
  take(length: number): Buffer {
    if (length > this.#buffer.byteLength) this.#buffer = Buffer.allocUnsafeSlow(length);
    return this.#buffer.subarray(0, length);
  }

  /** `count` 32-bit integers over the same bytes (which start at offset 0, so are aligned). */
  takeInt32(count: number): Int32Array {
    const bytes = this.take(count * Int32Array.BYTES_PER_ELEMENT);
    return new Int32Array(bytes.buffer, bytes.byteOffset, count);
  }
}

/** How a column's pages are compressed, and the decompressors the file's codecs need. */
export interface PageCodec {
  readonly codec: CompressionCodec;
  readonly compressors: Compressors;
}

/**
 * Decompresses a page, into `into` where the codec can write into a given buffer (snappy, or no
 * compression at all); other codecs allocate their own. The result is valid until `into` is used
 * again. Throws when the page does not decompress to exactly `size` bytes.
 */
export function decompressPageInto(
  compressed: Uint8Array,
  size: number,
  { codec, compressors }: PageCodec,
  into: ReusableBytes,
): Uint8Array {
  if (codec !== 'SNAPPY') return decompressPage(compressed, size, codec, compressors);
  const page = into.take(size);
  // hyparquet's own snappy writes into a given buffer and checks that it fills it exactly.
  snappyUncompress(compressed, page);
  return page;
}
