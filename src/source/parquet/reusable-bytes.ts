import type { CompressionCodec } from 'hyparquet';
import { decompressPage } from 'hyparquet/src/datapage.js';
import type { Decompressors } from './codecs.js';

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

/** How a column's pages are compressed, and the decompressors of the file's codecs. */
export interface PageCodec {
  readonly codec: CompressionCodec;
  readonly decompressors: Decompressors;
}

/**
 * Decompresses a page, into `into` where the codec can write into a given buffer (snappy, gzip);
 * other codecs allocate their own, and no compression at all is the page's own bytes. The result
 * is valid until `into` is used again. Throws when the page does not decompress to `size` bytes.
 */
export function decompressPageInto(
  compressed: Uint8Array,
  size: number,
  { codec, decompressors }: PageCodec,
  into: ReusableBytes,
): Uint8Array {
  const write = decompressors.into[codec];
  if (write === undefined) return decompressPage(compressed, size, codec, decompressors.compressors);
  const page = write(compressed, into.take(size));
  if (page.byteLength !== size) throw new Error(`a page decompressed to ${page.byteLength} bytes, not the ${size} its header says`);
  return page;
}
