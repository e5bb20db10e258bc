import { createHash } from 'node:crypto';
import { EmptyFileError, InputFileError, InternalError } from '../errors.js';
import { partName, type ResolvedParts, type SegmentPart } from './segment-parts.js';
import type { ReadSegmentOptions, Segment, SegmentPosition, SourceRecord } from './source-record.js';
import { flattenBatches } from './record-batches.js';

/** One file of a segment, opened: a Segment of its own, its lines its own. */
export type SegmentFile = Omit<Segment, 'files' | 'isMultiPart' | 'locate'>;

/** Opens one part with the segment's options, the part's own (format, delimiter, header, names) winning. */
export type OpenSegmentFile = (part: SegmentPart, options: ReadSegmentOptions) => Promise<SegmentFile>;

/** A single file as a Segment: its lines are its own. */
export function singleFileSegment(file: SegmentFile): Segment {
  const files = [file.displayName];
  return { ...file, files, isMultiPart: false, locate: (line) => ({ file: file.displayName, line }) };
}

/** How a segment of several parts differs from a folder's. */
export interface MultiPartOptions {
  /**
   * The columns of a segment whose parts are all empty, which is then a segment without rows (a CDM
   * entity's attributes); without them, such a segment is refused as an empty file is.
   */
  readonly columnsWhenEmpty?: readonly string[];
}

/**
 * Several files read one after another as one segment. Before any row is read, every part is
 * opened far enough to know its format and columns: a part that cannot be read, or whose format or
 * CSV header differs from the first part's, stops here (InputFileError naming the part), so that a
 * push sends nothing. An empty part (no bytes, after decompression) is a part without rows: it has
 * no header to agree on. Then the parts stream in order, one open at a time; each record's line runs
 * on from the last line of the parts before it (`locate` gives the part and its own line back).
 */
export async function openMultiPartSegment(
  resolved: ResolvedParts,
  options: ReadSegmentOptions,
  openFile: OpenSegmentFile,
  multiPart: MultiPartOptions = {},
): Promise<Segment> {
  const { parts } = resolved;
  const shapes: (PartShape | undefined)[] = [];
  let firstIndex: number | undefined;
  for (const [index, part] of parts.entries()) {
    const shape = await readPartShape(part, options, openFile);
    shapes.push(shape);
    if (shape === undefined) continue;
    if (firstIndex === undefined) firstIndex = index;
    else checkSameShape(part, shape, parts[firstIndex]!, shapes[firstIndex]!);
  }
  if (firstIndex === undefined && multiPart.columnsWhenEmpty === undefined) {
    throw new InputFileError(resolved.displayName, {}, `every file of the segment is empty (${parts.length} files)`);
  }
  const first = firstIndex === undefined ? undefined : await openFile(parts[firstIndex]!, options);
  const columns = [...(first?.columns ?? multiPart.columnsWhenEmpty ?? [])];
  mergeColumns(columns, partitionKeysOf(parts));
  const starts: number[] = [];
  const digests: string[] = [];

  async function* streamBatches(): AsyncGenerator<readonly SourceRecord[], void, undefined> {
    let lineOffset = 0;
    for (let index = 0; index < parts.length; index += 1) {
      starts.push(lineOffset);
      if (shapes[index] === undefined) {
        digests.push(EMPTY_PART_DIGEST);
        continue;
      }
      const part = parts[index]!;
      const file = index === firstIndex && first !== undefined ? first : await openFile(part, options);
      const values = part.partitionValues ?? [];
      let knownColumns = 0;
      // JSON parts may bring keys late: a key that a partition folder also names is refused when it comes.
      const takeNewColumns = (): void => {
        if (file.columns.length === knownColumns) return;
        checkPartitionColumns(part, file.columns);
        knownColumns = file.columns.length;
        mergeColumns(columns, file.columns);
      };
      let lastLine = 0;
      for await (const batch of file.recordBatches) {
        takeNewColumns();
        if (batch.length === 0) continue;
        lastLine = Math.max(lastLine, batch[batch.length - 1]!.line);
        yield lineOffset === 0 && values.length === 0 ? batch : batch.map((record) => placed(record, lineOffset, values));
      }
      takeNewColumns();
      // A part's partition values shape its rows as its bytes do: a file moved to another folder is another segment.
      digests.push(values.length === 0 ? file.contentDigest() : `${file.contentDigest()} ${JSON.stringify(values)}`);
      lineOffset += lastLine;
    }
  }

  const recordBatches = streamBatches();
  return {
    displayName: resolved.displayName,
    format: first?.format ?? parts[0]!.format ?? 'csv',
    columns,
    files: parts.map(partName),
    isMultiPart: resolved.isMultiPart,
    locate: (line) => locateLine(parts, starts, line),
    recordBatches,
    records: flattenBatches(recordBatches),
    // The sample (the email column's search) is of the first part: the others have its columns.
    peekRecords: async (count) => {
      if (first === undefined) return [];
      const firstValues = parts[firstIndex!]!.partitionValues ?? [];
      const sample = await first.peekRecords(count);
      return firstValues.length === 0 ? sample : sample.map((record) => placed(record, 0, firstValues));
    },
    contentDigest: () => {
      if (digests.length !== parts.length) {
        throw new InternalError('contentDigest() was called before every part of the segment was read to the end.');
      }
      // Each part's digest in order: the same files in the same order are the same segment.
      return createHash('sha256').update(digests.join('\n')).digest('hex');
    },
  };
}

interface PartShape {
  readonly format: string;
  /** CSV: the header (or the names given); JSON and NDJSON: undefined, their objects need not share keys. */
  readonly header: readonly string[] | undefined;
}

/** sha256 of no bytes: an empty part's digest, as a file's digest is of its bytes. */
const EMPTY_PART_DIGEST = createHash('sha256').digest('hex');

/** The part's shape; undefined for an empty part. */
async function readPartShape(part: SegmentPart, options: ReadSegmentOptions, openFile: OpenSegmentFile): Promise<PartShape | undefined> {
  let file: SegmentFile;
  try {
    file = await openFile(part, options);
  } catch (error) {
    if (error instanceof EmptyFileError) return undefined;
    throw error;
  }
  // Leaving the loop at once releases the file; its first batch has been read, so its header is known.
  for await (const _batch of file.recordBatches) break;
  checkPartitionColumns(part, file.columns);
  return { format: file.format, header: file.format === 'csv' ? [...file.columns] : undefined };
}

function checkSameShape(part: SegmentPart, shape: PartShape, firstPart: SegmentPart, firstShape: PartShape): void {
  if (shape.format !== firstShape.format) {
    throw new InputFileError(
      partName(part),
      {},
      `is ${shape.format.toUpperCase()} but the segment's first file, ${partName(firstPart)}, is ${firstShape.format.toUpperCase()}: every file of a segment must have the same format`,
    );
  }
  if (shape.header === undefined || firstShape.header === undefined) return;
  if (shape.header.length === firstShape.header.length && shape.header.every((column, index) => column === firstShape.header![index]))
    return;
  throw new InputFileError(
    partName(part),
    { line: 1 },
    `its columns (${listColumns(shape.header)}) differ from those of the segment's first file, ${partName(firstPart)} (${listColumns(firstShape.header)}): every file of a segment must have the same header`,
  );
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 12).join(', ');
  return columns.length > 12 ? `${shown}, ... ${columns.length - 12} more` : shown;
}

/** The record with its line in the segment, and its part's partition values as fields. */
function placed(record: SourceRecord, offset: number, partitionValues: readonly (readonly [string, string])[]): SourceRecord {
  let fields = record.fields;
  if (partitionValues.length > 0) {
    const withValues: Record<string, unknown> = { ...fields };
    for (const [key, value] of partitionValues) withValues[key] = value;
    fields = withValues;
  }
  return record.index === undefined ? { line: record.line + offset, fields } : { line: record.line + offset, index: record.index, fields };
}

/** Every partition key of the parts (`country` of `country=US/`), in the order met. */
function partitionKeysOf(parts: readonly SegmentPart[]): string[] {
  const keys: string[] = [];
  for (const part of parts) for (const [key] of part.partitionValues ?? []) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/** A column of the file that a partition folder above it names too: which value would be meant is not guessed. */
function checkPartitionColumns(part: SegmentPart, fileColumns: readonly string[]): void {
  for (const [key, value] of part.partitionValues ?? []) {
    const column = fileColumns.find((name) => name.toLowerCase() === key.toLowerCase());
    if (column === undefined) continue;
    throw new InputFileError(
      partName(part),
      {},
      `has a column ${JSON.stringify(column)}, and the folder ${key}=${value} above it names the same field: rename the column or the folder`,
    );
  }
}

/** JSON and NDJSON parts may bring keys the first did not have. */
function mergeColumns(into: string[], from: readonly string[]): void {
  if (from.length === 0) return;
  for (const column of from) if (!into.includes(column)) into.push(column);
}

/** The part whose lines `line` falls in: the last to start before it. */
function locateLine(parts: readonly SegmentPart[], starts: readonly number[], line: number): SegmentPosition {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! < line) low = middle;
    else high = middle - 1;
  }
  return { file: partName(parts[low]!), line: line - (starts[low] ?? 0) };
}
