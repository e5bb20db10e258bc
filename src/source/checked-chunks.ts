import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { EmptyFileError, InputFileError, InternalError, ExportError } from '../errors.js';
import { errorCode, type ByteSource } from './byte-source.js';
import { encodingOfByteOrderMark, looksLikeWindows1252, UTF8, type EncodingName } from './text-encoding.js';
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
  /** `--encoding`, resolved; absent: UTF-8, or UTF-16 when the file starts with its byte order mark. */
  readonly encoding?: EncodingName;
}

const EMPTY = Buffer.alloc(0);
/** How far back an invalid UTF-8 byte's line is looked at, to tell whether it is Windows-1252 text. */
const RECENT_BYTES = 256;
/** A UTF-16 byte order mark is two bytes: the encoding is chosen once that many have arrived. */
const BYTE_ORDER_MARK_BYTES = 2;

/**
 * The source's text as UTF-8 bytes, after checks every format needs: not empty, not binary (NUL
 * characters), valid in its encoding. UTF-8 (the default) passes through unchanged; any other
 * encoding is decoded chunk by chunk and re-encoded, so the readers see UTF-8 with the same line
 * breaks, and line numbers and the memory bound stay as they are. The digest is of the bytes read.
 * Errors name the line (and, for UTF-8, the byte column).
 */
export async function* checkChunks(source: ByteSource, context: ChunkCheckContext): AsyncGenerator<Buffer> {
  const { displayName, digest } = context;
  const position = new LinePosition();
  let decoder: ChunkDecoder | undefined;
  let head: Buffer = EMPTY;
  let bytesRead = 0;
  try {
    for await (const data of source.stream) {
      const raw = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
      if (raw.length === 0) continue;
      bytesRead += raw.length;
      digest.update(raw);
      let chunk = raw;
      if (decoder === undefined) {
        head = head.length === 0 ? raw : Buffer.concat([head, raw]);
        if (head.length < BYTE_ORDER_MARK_BYTES) continue;
        decoder = createChunkDecoder(context.encoding ?? encodingOfByteOrderMark(head) ?? UTF8, displayName, position);
        chunk = head;
        head = EMPTY;
      }
      const text = decoder.push(chunk);
      if (text.length > 0) yield checkedText(text, position, context);
    }
    if (bytesRead === 0) throw new EmptyFileError(displayName);
    decoder ??= createChunkDecoder(context.encoding ?? UTF8, displayName, position);
    const last = Buffer.concat([decoder.push(head), decoder.end()]);
    if (last.length > 0) yield checkedText(last, position, context);
  } catch (error) {
    if (error instanceof ExportError || isAbort(error)) throw error;
    throw new InputFileError(displayName, {}, `the file cannot be read (${errorCode(error) ?? String(error)})`, {
      cause: error,
    });
  }
  digest.finish();
}

/** `text` (UTF-8), once it is known to hold no NUL: a NUL means a binary file, or a wrong --encoding. */
function checkedText(text: Buffer, position: LinePosition, context: ChunkCheckContext): Buffer {
  const nul = text.indexOf(0);
  if (nul !== -1) {
    throw new InputFileError(
      context.displayName,
      position.locate(text, nul),
      `looks like a binary file, not ${context.formatLabel} (it contains a NUL byte)` +
        (context.encoding === undefined
          ? '; if it is UTF-16 without a byte order mark, pass --encoding utf-16le'
          : `; is --encoding ${context.encoding} right?`),
    );
  }
  position.advance(text);
  return text;
}

/** Turns the file's bytes into UTF-8, chunk by chunk; throws InputFileError at the first invalid byte. */
interface ChunkDecoder {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

function createChunkDecoder(encoding: EncodingName, displayName: string, position: LinePosition): ChunkDecoder {
  return encoding === UTF8 ? new Utf8PassThrough(displayName, position) : new Transcoder(encoding, displayName, position);
}

/** UTF-8 is checked, not decoded: the native check runs on each chunk and the bytes go on as they are. */
class Utf8PassThrough implements ChunkDecoder {
  private readonly validator = new Utf8Validator();
  private bytesSeen = 0;
  /** The last bytes that passed, for a look at the text around an invalid byte split from its line. */
  private recent: Buffer = EMPTY;

  constructor(
    private readonly displayName: string,
    private readonly position: LinePosition,
  ) {}

  push(chunk: Buffer): Buffer {
    // A NUL says "binary file" better than the invalid bytes around it: checkedText reports it.
    if (chunk.includes(0)) return chunk;
    const invalid = this.validator.push(chunk);
    if (invalid !== undefined) throw this.invalidByteError(chunk, invalid.offset - this.bytesSeen, invalid.byte);
    this.bytesSeen += chunk.length;
    this.recent =
      chunk.length >= RECENT_BYTES ? chunk.subarray(-RECENT_BYTES) : Buffer.concat([this.recent, chunk]).subarray(-RECENT_BYTES);
    return chunk;
  }

  end(): Buffer {
    const unfinished = this.validator.end();
    if (unfinished !== undefined) throw this.invalidByteError(EMPTY, unfinished.offset - this.bytesSeen, unfinished.byte);
    return EMPTY;
  }

  private invalidByteError(chunk: Buffer, offset: number, byte: number): InputFileError {
    const hex = byte.toString(16).toUpperCase().padStart(2, '0');
    const advice = looksLikeWindows1252(lineAround(Buffer.concat([this.recent, chunk]), this.recent.length + offset))
      ? 'it looks like Windows-1252 (Excel on Windows): pass --encoding windows-1252, or save the file as UTF-8'
      : 'save the file as UTF-8, or name its encoding with --encoding';
    return new InputFileError(this.displayName, this.position.locate(chunk, offset), `the byte 0x${hex} is not valid UTF-8; ${advice}`);
  }
}

/** The line of `chunk` that holds `chunk[offset]`, as far as the chunk goes. */
function lineAround(chunk: Buffer, offset: number): Buffer {
  if (offset < 0 || offset >= chunk.length) return EMPTY;
  const start = chunk.lastIndexOf(LF, offset) + 1;
  const newline = chunk.indexOf(LF, offset);
  return chunk.subarray(start, newline === -1 ? chunk.length : newline);
}

/** Any other encoding: TextDecoder in streaming mode (a character split between chunks is kept). */
class Transcoder implements ChunkDecoder {
  private readonly decoder: TextDecoder;

  constructor(
    private readonly encoding: EncodingName,
    private readonly displayName: string,
    private readonly position: LinePosition,
  ) {
    // fatal: an undecodable byte is an error, not a silent U+FFFD in someone's name.
    this.decoder = new TextDecoder(encoding, { fatal: true });
  }

  push(chunk: Buffer): Buffer {
    return this.decode(chunk, true);
  }

  end(): Buffer {
    return this.decode(EMPTY, false);
  }

  private decode(chunk: Buffer, stream: boolean): Buffer {
    try {
      return Buffer.from(this.decoder.decode(chunk, { stream }), 'utf8');
    } catch (error) {
      // Decoding again without `fatal` puts U+FFFD where the first bad byte was: its line is the error's.
      const replaced = new TextDecoder(this.encoding).decode(chunk);
      const bad = replaced.indexOf('\uFFFD');
      const before = Buffer.from(replaced.slice(0, Math.max(0, bad)), 'utf8');
      const { line } = this.position.locate(before, before.length);
      throw new InputFileError(
        this.displayName,
        { line },
        `these bytes are not valid ${this.encoding}; is --encoding ${this.encoding} the file's encoding?`,
        { cause: error },
      );
    }
  }
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
