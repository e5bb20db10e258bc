import { isUtf8 } from 'node:buffer';

const EMPTY = Buffer.alloc(0);

export interface InvalidUtf8 {
  readonly offset: number;
  readonly byte: number;
}

/**
 * Validates a byte stream as UTF-8, chunk by chunk, without decoding it. A character split across
 * two chunks is carried over; the fast path is the native `isUtf8` on each whole chunk, and the
 * byte-by-byte scan runs only to locate an error.
 */
export class Utf8Validator {
  private carry: Buffer = EMPTY;
  private bytesSeen = 0;

  /** The first invalid byte and its 0-based offset in the stream, or undefined while all is valid. */
  push(chunk: Buffer): InvalidUtf8 | undefined {
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const dataStart = this.bytesSeen - this.carry.length;
    this.bytesSeen += chunk.length;
    const body = data.subarray(0, data.length - incompleteTailLength(data));
    if (!isUtf8(body)) {
      const index = findInvalidUtf8(body);
      return { offset: dataStart + index, byte: body[index] ?? 0 };
    }
    this.carry = Buffer.from(data.subarray(body.length));
    return undefined;
  }

  /** At the end of the stream a character still incomplete is invalid. */
  end(): InvalidUtf8 | undefined {
    const byte = this.carry[0];
    return byte === undefined ? undefined : { offset: this.bytesSeen - this.carry.length, byte };
  }
}

function sequenceLength(leadByte: number): number {
  if (leadByte < 0x80) return 1;
  if (leadByte >= 0xc2 && leadByte <= 0xdf) return 2;
  if (leadByte >= 0xe0 && leadByte <= 0xef) return 3;
  if (leadByte >= 0xf0 && leadByte <= 0xf4) return 4;
  return 0;
}

/** How many bytes at the end of `data` start a character that the next chunk must complete. */
function incompleteTailLength(data: Buffer): number {
  const stop = Math.max(0, data.length - 3);
  for (let index = data.length - 1; index >= stop; index--) {
    const byte = data[index] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = sequenceLength(byte);
    const present = data.length - index;
    return needed > present ? present : 0;
  }
  return 0;
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    const length = sequenceLength(lead);
    if (length === 0) return index;
    if (length === 1) {
      index++;
      continue;
    }
    // Second-byte ranges exclude overlong forms, surrogates and code points above U+10FFFF.
    const second = bytes[index + 1];
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (second === undefined || second < low || second > high) return index;
    for (let offset = 2; offset < length; offset++) {
      const next = bytes[index + offset];
      if (next === undefined || (next & 0xc0) !== 0x80) return index;
    }
    index += length;
  }
  return -1;
}
