import { InputFileError } from '../../errors.js';
import { openMultiPartSegment, type OpenSegmentFile, type SegmentFile } from '../multi-part-segment.js';
import type { SegmentPart } from '../segment-parts.js';
import type { ReadSegmentOptions, Segment, SourceRecord } from '../source-record.js';
import type { CdmEntity, CdmPart } from './cdm-entity.js';
import { flattenBatches } from '../record-batches.js';

/**
 * A CDM entity's partitions read as one segment of several parts (openMultiPartSegment: every
 * partition checked before any row, lines running on, `locate` naming the partition), their columns
 * named by the entity's attributes: a partition whose rows do not have one field per attribute
 * stops the run before anything is sent, naming the partition and the metadata file; a headered or
 * Parquet partition's columns are renamed to the attributes by position. An empty partition (no
 * bytes) has no rows; an entity whose partitions are all empty is a segment without rows, its
 * columns still the attributes.
 */
export function openCdmSegment(
  entity: CdmEntity,
  displayName: string,
  options: ReadSegmentOptions,
  openFile: OpenSegmentFile,
): Promise<Segment> {
  const parts = entity.parts.map(segmentPartOf);
  // The partition's own reading options (from the metadata) are the only ones: the command line's
  // CSV options are not the metadata's, and a Parquet partition takes none.
  const partOptions: ReadSegmentOptions = { ...options, entity: undefined, delimiter: undefined, hasHeader: undefined, quoting: undefined };
  return openMultiPartSegment(
    { displayName, parts, isMultiPart: parts.length > 1 },
    partOptions,
    async (part, readOptions) => namedByAttributes(await openFile(part, readOptions), part, entity),
    { columnsWhenEmpty: entity.columns },
  );
}

function segmentPartOf(part: CdmPart): SegmentPart {
  return {
    path: part.path,
    displayName: part.displayName,
    format: part.format,
    ...(part.format === 'csv' ? { delimiter: part.delimiter, hasHeader: part.hasHeader, quoting: part.quoting } : {}),
    ...(part.encoding === undefined ? {} : { encoding: part.encoding }),
  };
}

/**
 * The partition with the entity's attributes as its columns. A headerless partition is read with
 * positional names, not the attributes, so that its first row's width is known here and a partition
 * of another width stops the run whole instead of rejecting each row.
 */
function namedByAttributes(file: SegmentFile, part: SegmentPart, entity: CdmEntity): SegmentFile {
  if (part.format !== 'parquet' && file.columns.length > 0 && file.columns.length !== entity.columns.length) {
    throw new InputFileError(
      part.displayName ?? part.path,
      { line: 1 },
      `has ${file.columns.length} fields a row, but entity ${entity.name} has ${entity.columns.length} attributes (${listNames(entity.columns)}) in ${entity.metadataFile}`,
    );
  }
  const rename = renamer(file.columns, entity.columns);
  if (rename === undefined) return file;
  const renameBatches = async function* (): AsyncGenerator<readonly SourceRecord[], void, undefined> {
    for await (const batch of file.recordBatches) yield batch.map((record) => renamed(record, rename));
  };
  const recordBatches = renameBatches();
  return {
    ...file,
    columns: entity.columns,
    recordBatches,
    records: flattenBatches(recordBatches),
    peekRecords: async (count) => (await file.peekRecords(count)).map((record) => renamed(record, rename)),
  };
}

/** Field names by position, file's to entity's; undefined when they are the same. */
function renamer(fileColumns: readonly string[], columns: readonly string[]): readonly (readonly [string, string])[] | undefined {
  if (fileColumns.length === columns.length && fileColumns.every((column, index) => column === columns[index])) return undefined;
  return fileColumns.slice(0, columns.length).map((column, index) => [column, columns[index]!] as const);
}

function renamed(record: SourceRecord, rename: readonly (readonly [string, string])[]): SourceRecord {
  const fields: Record<string, unknown> = {};
  for (const [from, to] of rename) fields[to] = record.fields[from];
  return record.index === undefined ? { line: record.line, fields } : { line: record.line, index: record.index, fields };
}

function listNames(columns: readonly string[]): string {
  const shown = columns.slice(0, 8).join(', ');
  return columns.length > 8 ? `${shown}, ... ${columns.length - 8} more` : shown;
}
