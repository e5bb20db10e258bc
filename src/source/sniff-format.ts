import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import type { SegmentFormat } from './source-record.js';
import { encodingOfByteOrderMark, UTF8, type EncodingName } from './text-encoding.js';

/** How much of standard input is looked at to tell its format. */
const SNIFF_BYTES = 4096;

/**
 * Tells the format of standard input, which has no name to tell it by, from its first bytes:
 * `[` is a JSON array, `{"profiles":` and `{"data": [` the JSON wrappers, any other `{` NDJSON,
 * anything else CSV.
 * Returns the format and a stream that gives the bytes looked at, then the rest: the reader sees
 * the input whole.
 */
export async function sniffStreamFormat(
  stream: NodeJS.ReadableStream,
  encoding?: EncodingName,
): Promise<{ format: SegmentFormat; stream: Readable }> {
  const readable = stream as Readable;
  const chunks: Buffer[] = [];
  let bytes = 0;
  // Read until the first meaningful characters are in (a chunk may hold only a BOM or blanks).
  while (bytes < SNIFF_BYTES && !isDecided(Buffer.concat(chunks), encoding)) {
    const chunk = await readNextChunk(readable);
    if (chunk === undefined) break;
    chunks.push(chunk);
    bytes += chunk.length;
  }
  const head = Buffer.concat(chunks);
  return { format: formatOfContent(head, encoding), stream: Readable.from(prepend(head, readable), { objectMode: false }) };
}

/**
 * The first `bytes` bytes of a stream (fewer when it is shorter), and the stream to read instead,
 * which gives them again, then the rest: for standard input, whose compression only its first bytes
 * tell. They are put back into the stream itself, so that destroying it still releases the input.
 */
export async function peekStreamHead(stream: NodeJS.ReadableStream, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const readable = stream as Readable;
  const chunks: Buffer[] = [];
  let length = 0;
  let isEnded = false;
  while (length < bytes) {
    const chunk = await readNextChunk(readable);
    if (chunk === undefined) {
      isEnded = true;
      break;
    }
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  if (isEnded) return { head, stream: Readable.from(head.length === 0 ? [] : [head], { objectMode: false }) };
  if (head.length > 0) readable.unshift(head);
  return { head, stream: readable };
}

async function* prepend(head: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  if (rest.readableEnded) return;
  for await (const chunk of rest)
    yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : (chunk as Uint8Array));
}

/** Enough is read once the text, past blanks, holds more than `{"profiles":` would need. */
function isDecided(head: Buffer, encoding: EncodingName | undefined): boolean {
  return leadingText(head, encoding).length >= 32;
}

/** The first characters, decoded as the file will be (`--encoding`, a UTF-16 byte order mark, or UTF-8). */
function leadingText(bytes: Uint8Array, encoding: EncodingName | undefined): string {
  const head = bytes.subarray(0, SNIFF_BYTES);
  return new TextDecoder(encoding ?? encodingOfByteOrderMark(head) ?? UTF8)
    .decode(head, { stream: true })
    .replace(/^\uFEFF/, '')
    .trimStart();
}

export function formatOfContent(bytes: Uint8Array, encoding?: EncodingName): SegmentFormat {
  if (startsWithParquetMagic(bytes)) return 'parquet';
  const text = leadingText(bytes, encoding);
  if (text.startsWith('[')) return 'json';
  if (/^\{\s*"profiles"\s*:/.test(text)) return 'json';
  // `{"data": [` is the wrapper; `{"data": {` may well be the first line of NDJSON.
  if (/^\{\s*"data"\s*:\s*\[/.test(text)) return 'json';
  if (text.startsWith('{')) return 'ndjson';
  return 'csv';
}

function readNextChunk(stream: Readable): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('readable', tryRead);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const tryRead = () => {
      const chunk: unknown = stream.read();
      if (chunk === null) return;
      cleanup();
      resolve(Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : (chunk as Uint8Array)));
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('readable', tryRead);
    stream.once('end', onEnd);
    stream.once('error', onError);
    tryRead();
  });
}

/** `PAR1`: the first four bytes of a Parquet file. */
export function startsWithParquetMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}
