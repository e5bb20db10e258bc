import { createHash } from 'node:crypto';
import { EmptyFileError, InputFileError, InternalError } from '../../errors.js';
import type { SegmentFile } from '../multi-part-segment.js';
import type { Segment, SegmentPosition, SourceRecord } from '../source-record.js';
import type { CdmEntity, CdmPart } from './cdm-entity.js';

/** Opens one partition as a segment of its own (the caller's openSegment, with the part's format). */
export type OpenCdmPart = (part: CdmPart) => Promise<SegmentFile>;

/**
 * A CDM entity's partitions read one after another as one segment, their columns named by the
 * entity's attributes (headerless CSV partitions name theirs by position). Every partition is
 * opened before any row is given, so that a partition that cannot be read, or whose rows do not
 * have one field per attribute, stops the run before anything is sent. A record's line runs on
 * from the last line of the partitions before it; `locate` gives the partition and its own line back.
 * An empty partition (no bytes) has no rows; an entity whose partitions are all empty is a segment
 * without rows, its columns still the attributes.
 */
export async function openCdmSegment(entity: CdmEntity, displayName: string, openPart: OpenCdmPart): Promise<Segment> {
  const { parts, columns } = entity;
  const isEmpty: boolean[] = [];
  for (const part of parts) isEmpty.push(await checkPart(part, entity, openPart));
  const firstIndex = isEmpty.indexOf(false);
  const first = firstIndex === -1 ? undefined : await openPart(parts[firstIndex]!);
  const format = first?.format ?? parts[0]!.format;
  const digests: string[] = [];
  const starts: number[] = [];

  async function* streamBatches(): AsyncGenerator<readonly SourceRecord[], void, undefined> {
    let lineOffset = 0;
    for (let index = 0; index < parts.length; index += 1) {
      starts.push(lineOffset);
      if (isEmpty[index] === true) {
        digests.push(EMPTY_PART_DIGEST);
        continue;
      }
      const file = index === firstIndex && first !== undefined ? first : await openPart(parts[index]!);
      const rename = renamer(file.columns, columns);
      let lastLine = 0;
      for await (const batch of file.recordBatches) {
        if (batch.length === 0) continue;
        lastLine = batch[batch.length - 1]!.line;
        yield lineOffset === 0 && rename === undefined ? batch : batch.map((record) => moved(record, lineOffset, rename));
      }
      digests.push(file.contentDigest());
      lineOffset += lastLine;
    }
  }
  const recordBatches = streamBatches();
  const renameFirst = first === undefined ? undefined : renamer(first.columns, columns);
  return {
    displayName,
    format,
    columns,
    files: parts.map((part) => part.displayName),
    isMultiPart: parts.length > 1,
    locate: (line) => locatePartLine(parts, starts, line),
    recordBatches,
    records: flatten(recordBatches),
    peekRecords: async (count) =>
      first === undefined ? [] : (await first.peekRecords(count)).map((record) => moved(record, 0, renameFirst)),
    contentDigest: () => {
      if (digests.length !== parts.length)
        throw new InternalError('contentDigest() was called before every partition was read to the end.');
      return createHash('sha256').update(digests.join('\n')).digest('hex');
    },
  };
}

/** sha256 of no bytes: an empty partition's digest, as a file's digest is of its bytes. */
const EMPTY_PART_DIGEST = createHash('sha256').digest('hex');

/** Whether the partition is empty; throws for one that cannot be read or has the wrong width. */
async function checkPart(part: CdmPart, entity: CdmEntity, openPart: OpenCdmPart): Promise<boolean> {
  let file: SegmentFile;
  try {
    file = await openPart(part);
  } catch (error) {
    if (error instanceof EmptyFileError) return true;
    throw error;
  }
  // Leaving the loop releases the file; its first batch is read, so a CSV part's field count is known.
  for await (const _batch of file.recordBatches) break;
  if (part.format === 'parquet' || file.columns.length === 0 || file.columns.length === entity.columns.length) return false;
  throw new InputFileError(
    part.displayName,
    { line: 1 },
    `has ${file.columns.length} fields a row, but entity ${entity.name} has ${entity.columns.length} attributes (${listNames(entity.columns)}) in ${entity.metadataFile}`,
  );
}

/** Field names by position, file's to entity's; undefined when they are the same. */
function renamer(fileColumns: readonly string[], columns: readonly string[]): readonly (readonly [string, string])[] | undefined {
  if (fileColumns.length === columns.length && fileColumns.every((column, index) => column === columns[index])) return undefined;
  return fileColumns.slice(0, columns.length).map((column, index) => [column, columns[index]!] as const);
}

function moved(record: SourceRecord, lineOffset: number, rename: readonly (readonly [string, string])[] | undefined): SourceRecord {
  const line = record.line + lineOffset;
  if (rename === undefined) return { line, fields: record.fields };
  const fields: Record<string, unknown> = {};
  for (const [from, to] of rename) fields[to] = record.fields[from];
  return { line, fields };
}

/** The partition whose lines `line` falls in: the last to start before it. */
function locatePartLine(parts: readonly CdmPart[], starts: readonly number[], line: number): SegmentPosition {
  let index = 0;
  while (index + 1 < starts.length && starts[index + 1]! < line) index += 1;
  return { file: parts[index]!.displayName, line: line - (starts[index] ?? 0) };
}

function listNames(columns: readonly string[]): string {
  const shown = columns.slice(0, 8).join(', ');
  return columns.length > 8 ? `${shown}, ... ${columns.length - 8} more` : shown;
}

async function* flatten(batches: AsyncIterable<readonly SourceRecord[]>): AsyncGenerator<SourceRecord, void, undefined> {
  for await (const batch of batches) for (const record of batch) yield record;
}
