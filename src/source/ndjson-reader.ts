import { InputFileError } from '../errors.js';
import { parseJsonExact } from './exact-json.js';
import type { FormatReader, FormatReaderOptions } from './format-reader.js';
import {
  ColumnCollector,
  describeCaseCollision,
  describeJsonSyntaxError,
  describeJsonType,
  isJsonObject,
  MAX_JSON_NESTING,
  MAX_JSON_RECORD_BYTES,
  nestsDeeperThan,
} from './json-values.js';
import type { SourceRecord } from './source-record.js';

const LF = 0x0a;
const BYTE_ORDER_MARK = '\uFEFF';

/** Reads NDJSON / JSON Lines: one object per line; blank lines, CRLF and a BOM are tolerated. */
export function readNdjson(chunks: AsyncIterable<Buffer>, options: FormatReaderOptions): FormatReader {
  const collector = new ColumnCollector();
  return { columns: collector.columns, batches: readNdjsonBatches(chunks, options.displayName, collector) };
}

async function* readNdjsonBatches(
  chunks: AsyncIterable<Buffer>,
  displayName: string,
  collector: ColumnCollector,
): AsyncGenerator<readonly SourceRecord[], void, undefined> {
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let line = 0;
  const parseLine = (bytes: Buffer, batch: SourceRecord[]): void => {
    line++;
    const record = parseNdjsonLine(bytes.toString('utf8'), line, displayName);
    if (record === undefined) return;
    const collision = collector.add(record.fields);
    if (collision !== undefined) throw new InputFileError(displayName, { line }, `this line ${describeCaseCollision(collision)}`);
    batch.push(record);
  };
  for await (const chunk of chunks) {
    const batch: SourceRecord[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, newline);
      parseLine(partial.length === 0 ? piece : Buffer.concat([...partial, piece]), batch);
      partial = [];
      partialBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      partial.push(chunk.subarray(start));
      partialBytes += chunk.length - start;
      if (partialBytes > MAX_JSON_RECORD_BYTES) {
        throw new InputFileError(displayName, { line: line + 1 }, 'this line is longer than 16 MB; is the file really NDJSON?');
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (partial.length > 0) {
    const batch: SourceRecord[] = [];
    parseLine(Buffer.concat(partial), batch);
    if (batch.length > 0) yield batch;
  }
}

/** The record a line holds, or undefined for a blank line. */
function parseNdjsonLine(text: string, line: number, displayName: string): SourceRecord | undefined {
  const json = line === 1 && text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  let value: unknown;
  try {
    value = parseJsonExact(json);
  } catch (error) {
    // Blank lines are rare, so they are recognised only once JSON.parse has refused them.
    if (json.trim() === '') return undefined;
    const problem = describeJsonSyntaxError(error);
    const column = problem.position === undefined ? undefined : problem.position + 1;
    throw new InputFileError(displayName, { line, column }, `this line is not valid JSON: ${problem.reason}`, {
      cause: error,
    });
  }
  if (!isJsonObject(value)) {
    throw new InputFileError(displayName, { line }, `this line is ${describeJsonType(value)}, not a JSON object`);
  }
  if (nestsDeeperThan(json)) {
    throw new InputFileError(
      displayName,
      { line },
      `this line nests arrays and objects more than ${MAX_JSON_NESTING} levels deep, deeper than a profile can hold`,
    );
  }
  return { line, fields: value };
}
