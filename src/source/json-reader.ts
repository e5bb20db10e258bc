import { InputFileError } from '../errors.js';
import { parseJsonExact } from './exact-json.js';
import type { FormatReader, FormatReaderOptions } from './format-reader.js';
import { JsonArrayScanner, type ScannedElement } from './json-array-scanner.js';
import {
  ColumnCollector,
  describeCaseCollision,
  describeJsonSyntaxError,
  describeJsonType,
  isJsonObject,
  locateInText,
  MAX_JSON_NESTING,
  nestsDeeperThan,
} from './json-values.js';
import type { SourceRecord } from './source-record.js';

/**
 * Reads a JSON array of objects, `{"profiles": [...]}` or `{"data": [...]}`, or the array at
 * `arrayPath` (`--json-path`) in nested objects, streaming: the scanner finds each
 * element's extent and only that element's text is parsed, so files of hundreds of MB never sit
 * in memory whole.
 */
export function readJson(
  chunks: AsyncIterable<Buffer>,
  options: FormatReaderOptions & { readonly arrayPath?: readonly string[] },
): FormatReader {
  const collector = new ColumnCollector();
  return { columns: collector.columns, batches: readJsonBatches(chunks, options, collector) };
}

async function* readJsonBatches(
  chunks: AsyncIterable<Buffer>,
  { displayName, arrayPath }: FormatReaderOptions & { readonly arrayPath?: readonly string[] },
  collector: ColumnCollector,
): AsyncGenerator<readonly SourceRecord[], void, undefined> {
  const scanner = new JsonArrayScanner(displayName, arrayPath);
  let index = 0;
  for await (const chunk of chunks) {
    const batch: SourceRecord[] = [];
    for (const element of scanner.feed(chunk)) {
      const record = parseElement(element, index++, displayName);
      const collision = collector.add(record.fields);
      if (collision !== undefined) {
        throw new InputFileError(displayName, { line: record.line }, `element ${index} of the array ${describeCaseCollision(collision)}`);
      }
      batch.push(record);
    }
    if (batch.length > 0) yield batch;
  }
  scanner.end();
}

function parseElement(element: ScannedElement, index: number, displayName: string): SourceRecord {
  const text = element.bytes.toString('utf8');
  const ordinal = `element ${index + 1} of the array`;
  let value: unknown;
  try {
    value = parseJsonExact(text);
  } catch (error) {
    const problem = describeJsonSyntaxError(error);
    const place = problem.position === undefined ? undefined : locateInText(text, problem.position);
    // A column on the element's first line would count from the element, not the line: leave it out.
    const column = place !== undefined && place.lineOffset > 0 ? place.column : undefined;
    throw new InputFileError(
      displayName,
      { line: element.line + (place?.lineOffset ?? 0), column },
      `${ordinal} is not valid JSON: ${problem.reason}`,
      { cause: error },
    );
  }
  if (!isJsonObject(value)) {
    throw new InputFileError(displayName, { line: element.line }, `${ordinal} is ${describeJsonType(value)}, not an object`);
  }
  if (nestsDeeperThan(text)) {
    throw new InputFileError(
      displayName,
      { line: element.line },
      `${ordinal} nests arrays and objects more than ${MAX_JSON_NESTING} levels deep, deeper than a profile can hold`,
    );
  }
  return { line: element.line, index, fields: value };
}
