import { createHash } from 'node:crypto';
import { InputFileError, InternalError, ExportError } from '../errors.js';
import { errorCode, type ByteSource } from './byte-source.js';
import { Utf8Validator } from './utf8-check.js';

const LF = 0x0a;

/** sha256 of every byte read, fed while streaming so the file is never read twice. */
export class ContentDigest {
  private readonly hash = createHash('sha256');
  private hex: string | undefined;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
  }

  finish(): void {
    this.hex ??= this.hash.digest('hex');
  }

  value(): string {
    if (this.hex === undefined) {
      throw new InternalError('contentDigest() was called before the segment was read to the end.');
    }
    return this.hex;
  }
}

export interface ChunkCheckContext {
  readonly displayName: string;
  /** "CSV", "JSON" or "NDJSON", for the binary-file sentence. */
  readonly formatLabel: string;
  readonly digest: ContentDigest;
}

/**
 * The source's bytes, passed through unchanged after checks every format needs: not empty, not
 * binary (NUL bytes), not UTF-16, valid UTF-8. Errors name the line and the byte column.
 */
export async function* checkChunks(source: ByteSource, context: ChunkCheckContext): AsyncGenerator<Buffer> {
  const { displayName, formatLabel, digest } = context;
  const validator = new Utf8Validator();
  const position = new LinePosition();
  let bytesRead = 0;
  try {
    for await (const data of source.stream) {
      const chunk = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
      if (chunk.length === 0) continue;
      if (bytesRead === 0 && isUtf16ByteOrderMark(chunk)) {
        throw new InputFileError(displayName, {}, 'the file is UTF-16 encoded; save it as UTF-8');
      }
      bytesRead += chunk.length;
      digest.update(chunk);
      const nul = chunk.indexOf(0);
      if (nul !== -1) {
        throw new InputFileError(
          displayName,
          position.locate(chunk, nul),
          `looks like a binary file, not ${formatLabel} (it contains a NUL byte)`,
        );
      }
      const invalid = validator.push(chunk);
      if (invalid !== undefined) {
        throw invalidUtf8Error(displayName, position.locate(chunk, invalid.offset - (bytesRead - chunk.length)), invalid.byte);
      }
      position.advance(chunk);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ExportError || isAbort(error)) throw error;
    throw new InputFileError(displayName, {}, `the file cannot be read (${errorCode(error) ?? String(error)})`, {
      cause: error,
    });
  }
  if (bytesRead === 0) throw new InputFileError(displayName, {}, 'the file is empty');
  const unfinished = validator.end();
  if (unfinished !== undefined) {
    throw invalidUtf8Error(displayName, position.locate(Buffer.alloc(0), unfinished.offset - bytesRead), unfinished.byte);
  }
  digest.finish();
}

function invalidUtf8Error(displayName: string, place: { line: number; column: number }, byte: number): InputFileError {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  return new InputFileError(displayName, place, `the byte 0x${hex} is not valid UTF-8; save the file as UTF-8`);
}

function isUtf16ByteOrderMark(chunk: Buffer): boolean {
  return (chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Line and byte column of the stream position, kept only so an error can name where it is. */
class LinePosition {
  private linesBefore = 0;
  private bytesSinceLineStart = 0;

  advance(chunk: Buffer): void {
    let newline = chunk.indexOf(LF);
    if (newline === -1) {
      this.bytesSinceLineStart += chunk.length;
      return;
    }
    let last = newline;
    while (newline !== -1) {
      this.linesBefore++;
      last = newline;
      newline = chunk.indexOf(LF, newline + 1);
    }
    this.bytesSinceLineStart = chunk.length - last - 1;
  }

  /**
   * 1-based line and byte column of `chunk[offset]`, before `chunk` was advanced over. A negative
   * offset counts back into the previous chunks' current line.
   */
  locate(chunk: Buffer, offset: number): { line: number; column: number } {
    const before = chunk.subarray(0, Math.max(0, offset));
    let line = this.linesBefore + 1;
    let lineStart = -1;
    for (let newline = before.indexOf(LF); newline !== -1; newline = before.indexOf(LF, newline + 1)) {
      line++;
      lineStart = newline;
    }
    const column = lineStart === -1 ? this.bytesSinceLineStart + offset + 1 : offset - lineStart;
    return { line, column };
  }
}
