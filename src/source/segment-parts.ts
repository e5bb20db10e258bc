import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputFileError, UsageError } from '../errors.js';
import { errorCode, STDIN_NAME } from './byte-source.js';
import type { CsvDelimiter, CsvQuoting, SegmentFormat, SegmentInput } from './source-record.js';

/**
 * One file of a segment. Each part may say how it is read, where the segment's options do not
 * fit every part (a CDM partition has no header: its column names come from the metadata); what
 * it leaves out, the segment's options say.
 */
export interface SegmentPart {
  /** The file, as messages name it: the path as given, a folder's file joined to it, or `-`. */
  readonly path: string;
  /** How messages name the part when not by its path (a CDM partition, by its path below the folder as given). */
  readonly displayName?: string;
  readonly format?: SegmentFormat;
  readonly delimiter?: CsvDelimiter;
  readonly hasHeader?: boolean;
  /** `none`: quotes are plain characters (a CDM partition of QuoteStyle.None). */
  readonly quoting?: CsvQuoting;
  /** A headerless CSV part's column names, in order (from metadata); implies no header line. */
  readonly columnNames?: readonly string[];
  /** The part's text encoding (a CDM partition's), where the segment's options name none. */
  readonly encoding?: string;
  /**
   * Hive-style partition values from the folders above the part (`country=US/year=2026/`), in
   * order from the top: fields every row of the part gets.
   */
  readonly partitionValues?: readonly (readonly [string, string])[];
}

/** How messages name a part. */
export function partName(part: SegmentPart): string {
  return part.displayName ?? part.path;
}

/** The parts of a segment, and the name that stands for them all in messages. */
export interface ResolvedParts {
  readonly displayName: string;
  readonly parts: readonly SegmentPart[];
  /** True when the input named a folder or several paths: line numbers then need their file. */
  readonly isMultiPart: boolean;
}

/** How messages name a segment input: its path, `<stdin>`, or the first of several paths and how many more. */
export function segmentInputName(input: SegmentInput): string {
  const paths = inputPaths(input);
  if (paths.length === 1) return paths[0] === '-' ? STDIN_NAME : paths[0]!;
  return `${paths[0]!} and ${paths.length - 1} more`;
}

/** Every path the input names, as given. */
export function inputPaths(input: SegmentInput): readonly string[] {
  return typeof input === 'string' ? [input] : input;
}

/**
 * The files a segment input stands for: a file is itself; a folder, its data files in name order,
 * its subfolders read in place (names starting with `_` or `.`, like Spark's `_SUCCESS` and
 * `.part-0.crc`, are not data, at any depth; a subfolder named `key=value`, as Spark's and Hive's
 * `partitionBy` write, gives its files' rows the field `key`); several paths, each in the order
 * given. Throws UsageError or InputFileError, before anything is read.
 */
export async function resolveSegmentParts(input: SegmentInput): Promise<ResolvedParts> {
  const paths = inputPaths(input);
  if (paths.length === 0) throw new UsageError('No segment file was given.');
  if (paths.length > 1 && paths.includes('-')) {
    throw new UsageError('Standard input (-) cannot be one of several segment files: give it alone, or give only paths.');
  }
  if (paths.length === 1 && paths[0] === '-') return { displayName: STDIN_NAME, parts: [{ path: '-' }], isMultiPart: false };
  const parts: SegmentPart[] = [];
  let hasFolder = false;
  for (const path of paths) {
    const files = await folderParts(path);
    if (files === undefined) parts.push({ path });
    else {
      hasFolder = true;
      parts.push(...files);
    }
  }
  checkDistinct(parts);
  const displayName = segmentInputName(input);
  return { displayName, parts, isMultiPart: hasFolder || paths.length > 1 };
}

/** A folder's data files, below it too (undefined when `path` is not a folder: reading it will say what it is). */
async function folderParts(path: string): Promise<SegmentPart[] | undefined> {
  const stats = await stat(path).catch(() => undefined);
  if (stats === undefined || !stats.isDirectory()) return undefined;
  const found = { parts: [] as SegmentPart[], skipped: 0 };
  await collectParts(path, [], found);
  if (found.parts.length === 0) {
    throw new InputFileError(
      path,
      {},
      `is a directory without any data file${found.skipped > 0 ? ` (${found.skipped} left out: names starting with _ or . are not data)` : ''}`,
    );
  }
  return found.parts;
}

async function collectParts(
  folder: string,
  partitionValues: readonly (readonly [string, string])[],
  found: { parts: SegmentPart[]; skipped: number },
): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
    throw new InputFileError(folder, {}, `the folder cannot be listed (${errorCode(error) ?? String(error)})`, { cause: error });
  });
  // Code-point order: warehouses number their parts with zero padding (0000_part_00, 0001_part_00).
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (isHiddenName(entry.name)) {
      found.skipped += 1;
      continue;
    }
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const partition = hivePartition(entry.name);
      await collectParts(path, partition === undefined ? partitionValues : [...partitionValues, partition], found);
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFileLink(path)))) {
      // A link to a folder is not followed: links may loop.
      found.parts.push(partitionValues.length === 0 ? { path } : { path, partitionValues });
    }
  }
}

async function isFileLink(path: string): Promise<boolean> {
  // A broken link is kept: reading it says so.
  const target = await stat(path).catch(() => undefined);
  return target === undefined || !target.isDirectory();
}

/** Hive's marker for a null partition value. */
const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

/** `country=US` as [`country`, `US`]; `year=2026%2F11` percent-decoded, as Hive escapes it; undefined for other names. */
export function hivePartition(name: string): readonly [string, string] | undefined {
  const equals = name.indexOf('=');
  if (equals <= 0) return undefined;
  const key = percentDecoded(name.slice(0, equals));
  const value = name.slice(equals + 1);
  return [key, value === HIVE_NULL ? '' : percentDecoded(value)];
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a lone `%` is itself
  }
}

/** `_SUCCESS`, `_committed_123`, `.part-00000.crc`: markers and checksums that warehouses write beside the data. */
function isHiddenName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

function checkDistinct(parts: readonly SegmentPart[]): void {
  const seen = new Set<string>();
  for (const part of parts) {
    if (seen.has(part.path)) throw new UsageError(`${part.path} is given twice: each file of a segment is read once.`);
    seen.add(part.path);
  }
}
