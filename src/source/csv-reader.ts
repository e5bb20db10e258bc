import { InputFileError } from '../errors.js';
import { CsvRecordParser } from './csv-record-parser.js';
import { detectDelimiter, findHeaderLine, readSeparatorLine } from './delimiter-detection.js';
import type { FormatReader, FormatReaderOptions } from './format-reader.js';
import type { CsvDelimiter, CsvQuoting, SourceRecord } from './source-record.js';

/** The header line must appear within this many bytes for delimiter detection. */
const MAX_HEADER_BYTES = 1024 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface CsvReaderOptions extends FormatReaderOptions {
  readonly delimiter?: CsvDelimiter;
  /** False for `--no-header`. */
  readonly hasHeader?: boolean;
  /** The columns' names when the file has no header line (from metadata). */
  readonly columnNames?: readonly string[];
  /** `none`: quotes are plain characters (CDM's QuoteStyle.None). */
  readonly quoting?: CsvQuoting;
}

/**
 * Reads CSV with CsvTokenizer: the header names the fields, values stay strings exactly as written,
 * blank rows (and rows of only delimiters) are skipped, and each record carries the line it starts on.
 * An Excel `sep=;` first line sets the delimiter (unless one is given) and is skipped.
 */
export function readCsv(chunks: AsyncIterable<Buffer>, options: CsvReaderOptions): FormatReader {
  const columns: string[] = [];
  return { columns, batches: readCsvBatches(chunks, options, columns) };
}

async function* readCsvBatches(
  chunks: AsyncIterable<Buffer>,
  options: CsvReaderOptions,
  columns: string[],
): AsyncGenerator<readonly SourceRecord[], void, undefined> {
  const { displayName } = options;
  const iterator = chunks[Symbol.asyncIterator]();
  const head = await readHeaderBytes(iterator);
  const separatorLineDelimiter = readSeparatorLine(head.bytes);
  const delimiter = options.delimiter ?? separatorLineDelimiter ?? detectDelimiter(findHeaderLine(head.bytes) ?? head.bytes);
  const parser = new CsvRecordParser(displayName, delimiter, {
    hasSeparatorLine: separatorLineDelimiter !== undefined,
    hasHeader: options.hasHeader,
    ...(options.columnNames === undefined ? {} : { columnNames: options.columnNames }),
    ...(options.quoting === undefined ? {} : { quoting: options.quoting }),
  });
  for await (const chunk of prefixedChunks(head.chunks, iterator)) {
    yield* parseInto(columns, parser, (batch) => parser.push(chunk, batch));
  }
  yield* parseInto(columns, parser, (batch) => parser.end(batch));
  if (parser.header === undefined) {
    throw new InputFileError(
      displayName,
      {},
      options.hasHeader === false ? 'the file holds only blank lines' : 'the file has no header line (it holds only blank lines)',
    );
  }
}

/**
 * Runs one step of the parser and yields the records it completed, if any. On an error the rows
 * before the faulty one are yielded first, so that they still get their outcomes.
 */
function* parseInto(
  columns: string[],
  parser: CsvRecordParser,
  parse: (batch: SourceRecord[]) => void,
): Generator<readonly SourceRecord[], void, undefined> {
  const batch: SourceRecord[] = [];
  let failure: { error: unknown } | undefined;
  try {
    parse(batch);
  } catch (error) {
    failure = { error };
  }
  if (columns.length === 0 && parser.header !== undefined) columns.push(...parser.header);
  if (batch.length > 0) yield batch;
  if (failure !== undefined) throw failure.error;
}

/** Reads chunks until they hold the whole header line (or the file ends). */
async function readHeaderBytes(iterator: AsyncIterator<Buffer>): Promise<{ chunks: Buffer[]; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  let bytes: Buffer = Buffer.alloc(0);
  while (bytes.length < MAX_HEADER_BYTES) {
    const next = await iterator.next();
    if (next.done === true) break;
    chunks.push(next.value);
    bytes = chunks.length === 1 ? next.value : Buffer.concat(chunks);
    if (bytes.subarray(0, 3).equals(UTF8_BOM)) bytes = bytes.subarray(3);
    if (findHeaderLine(bytes) !== undefined) break;
  }
  return { chunks, bytes };
}

async function* prefixedChunks(head: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  try {
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}
