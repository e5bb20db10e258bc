import { describe, expect, test } from 'vitest';
import { findInvalidUtf8, Utf8Validator } from './utf8-check.js';

function validateInChunks(bytes: Buffer, chunkSize: number): { offset: number; byte: number } | undefined {
  const validator = new Utf8Validator();
  for (let at = 0; at < bytes.length; at += chunkSize) {
    const invalid = validator.push(bytes.subarray(at, at + chunkSize));
    if (invalid !== undefined) return invalid;
  }
  return validator.end();
}

describe('Utf8Validator', () => {
  const text = Buffer.from('ascii é € 😀 Ørsted\n');

  test.each([1, 2, 3, 4, 5, 64])('accepts valid text split into chunks of %i bytes', (chunkSize) => {
    expect(validateInChunks(text, chunkSize)).toBeUndefined();
  });

  test.each([
    ['a Latin-1 byte', Buffer.from([0x61, 0xe9, 0x62]), 1, 0xe9],
    ['a lone continuation byte', Buffer.from([0x61, 0x80]), 1, 0x80],
    ['an overlong encoding', Buffer.from([0x61, 0xc0, 0xaf]), 1, 0xc0],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80]), 0, 0xed],
    ['a code point above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80]), 0, 0xf4],
    ['a character cut off by the end of the file', Buffer.from([0x61, 0x62, 0xe2, 0x82]), 2, 0xe2],
  ])('finds %s at its offset, whatever the chunking', (_, bytes, offset, byte) => {
    for (const chunkSize of [1, 2, 3, 64]) expect(validateInChunks(bytes, chunkSize)).toEqual({ offset, byte });
  });
});

describe('findInvalidUtf8', () => {
  test.each([
    [Buffer.from('plain'), -1],
    [Buffer.from('é€😀'), -1],
    [Buffer.from([0xe2, 0x82, 0x41]), 0],
    [Buffer.from([0x41, 0xff]), 1],
  ])('%o -> %i', (bytes, expected) => {
    expect(findInvalidUtf8(bytes)).toBe(expected);
  });
});
