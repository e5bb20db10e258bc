import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { EmptyFileError, InputFileError } from '../errors.js';

export const STDIN_NAME = '<stdin>';
const READ_CHUNK_BYTES = 64 * 1024;

export interface ByteSource {
  /** The path as given, or `<stdin>`. */
  readonly displayName: string;
  readonly stream: Readable | NodeJS.ReadableStream;
  /** A file's first bytes (up to `headBytes`), read apart from the stream: they tell its compression. Absent for stdin. */
  readonly head?: Buffer;
}

/**
 * Opens a segment file (or standard input for `-`) for streaming. Problems that exist before the
 * first byte (missing, a directory, unreadable, empty) become one InputFileError sentence here.
 * `stdin` is a function so that process.stdin is only touched when it is read.
 */
export async function openByteSource(input: string, stdin: () => NodeJS.ReadableStream, headBytes = 0): Promise<ByteSource> {
  if (input === '-') return { displayName: STDIN_NAME, stream: stdin() };
  const file = await open(input, 'r').catch((error: unknown) => {
    throw new InputFileError(input, {}, describeOpenError(error), { cause: error });
  });
  let head: Buffer;
  try {
    const stats = await file.stat();
    if (stats.isDirectory()) throw new InputFileError(input, {}, 'is a directory, not a file');
    if (stats.isFile() && stats.size === 0) throw new EmptyFileError(input);
    head = headBytes === 0 ? Buffer.alloc(0) : await readHead(file, headBytes, input);
  } catch (error) {
    await file.close();
    throw error;
  }
  return { displayName: input, stream: file.createReadStream({ highWaterMark: READ_CHUNK_BYTES, start: 0 }), head };
}

async function readHead(file: FileHandle, bytes: number, input: string): Promise<Buffer> {
  const buffer = Buffer.alloc(bytes);
  const { bytesRead } = await file.read(buffer, 0, bytes, 0).catch((error: unknown) => {
    throw new InputFileError(input, {}, describeOpenError(error), { cause: error });
  });
  return buffer.subarray(0, bytesRead);
}

/** Why a file cannot be opened, as the end of a sentence that starts with its name. */
export function describeOpenError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: the file cannot be read';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `the file cannot be opened (${errorCode(error) ?? String(error)})`;
  }
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
