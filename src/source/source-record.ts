/** One record of a segment file, before mapping. */
export interface SourceRecord {
  /**
   * 1-based physical line where the record starts (CSV: the line of its first character, so a
   * quoted field with newlines does not shift later lines; NDJSON: the line; JSON: the line where
   * the object's `{` stands).
   */
  readonly line: number;
  /** JSON: 0-based index of the element in the array; absent for CSV and NDJSON. */
  readonly index?: number;
  /**
   * Column name -> raw value. CSV values are strings; JSON values are whatever the file held,
   * except integers beyond Number.MAX_SAFE_INTEGER, which are strings of their exact digits.
   */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A segment given as one path, or as several read one after another as one segment. */
export type SegmentInput = string | readonly string[];

/** Where a row of a segment is: its file and the line in that file. */
export interface SegmentPosition {
  readonly file: string;
  readonly line: number;
}

export type SegmentFormat = 'csv' | 'json' | 'ndjson' | 'parquet';
export type CsvDelimiter = ',' | ';' | '\t' | '|';

/**
 * `csv`: a `"` opens a quoted field (RFC 4180). `none`: quotes are plain characters and every line
 * break ends a record (`--quote none`; CDM's QuoteStyle.None; Redshift's UNLOAD without ADDQUOTES).
 */
export type CsvQuoting = 'csv' | 'none';

export interface ReadSegmentOptions {
  /**
   * A path, `-` for standard input, or a folder; or several paths, read in the order given as one
   * segment (a folder: its data files in name order).
   */
  readonly input: SegmentInput;
  /** Overrides detection from the file extension. */
  readonly format?: SegmentFormat;
  /** CSV only; detected from the header line when absent. */
  readonly delimiter?: CsvDelimiter;
  /**
   * `--encoding`: any label Node's TextDecoder knows (`windows-1252`, `utf-16le`, `shift_jis`...).
   * Absent: UTF-8, or UTF-16 when the file starts with its byte order mark.
   */
  readonly encoding?: string;
  /**
   * CSV only. False (`--no-header`): the first row is data, and the columns are named by their
   * 1-based numbers (`1`, `2`, ...), which `--email-field` and `--map` then use. Default true.
   */
  readonly hasHeader?: boolean;
  /** CSV only (`--quote none`): quotes are plain characters. Default `csv`. */
  readonly quoting?: CsvQuoting;
  /**
   * JSON only (`--json-path`): the keys from the top-level object down to the array of profiles,
   * e.g. `['response', 'customers']`. Absent: the file is an array, or an object whose `profiles`
   * or `data` is one. Given with standard input, the input is read as JSON.
   */
  readonly jsonArrayPath?: readonly string[];
  /**
   * `--entity`: the entity to read from a Common Data Model folder (Dynamics 365 Customer Insights'
   * `model.json` or `*.manifest.cdm.json`) that holds several.
   */
  readonly entity?: string;
  /** Aborts reading (SIGINT/SIGTERM); the iterator then throws the signal's reason. */
  readonly signal?: AbortSignal;
  /** The stream that `-` reads (the CLI passes process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
}

export interface Segment {
  /** The name used in messages: the path as given, or `<stdin>`; for several files, the folder or the first path. */
  readonly displayName: string;
  /** The files read, in order: one for a single file (its display name), each part's path for several. */
  readonly files: readonly string[];
  /** True when the segment is several files: record lines then run on from part to part (see `locate`). */
  readonly isMultiPart: boolean;
  /**
   * The file and 1-based line a record's `line` stands for. A record's `line` is its file's own
   * line in a single file; in several files, the lines of each part come after the last line of
   * the parts before it, so that a line still names one row of the segment, in reading order.
   * Known for every line read so far.
   */
  readonly locate: (line: number) => SegmentPosition;
  readonly format: SegmentFormat;
  /** CSV: the header, in order. JSON/NDJSON: the keys of the first object, then any new key seen. */
  readonly columns: readonly string[];
  /** Read once. Throws InputFileError (file, line, column, one sentence) on a malformed file. */
  readonly records: AsyncIterable<SourceRecord>;
  /**
   * The same records in the batches the reader produced: the alternative to `records` for a hot
   * loop, which then awaits once per batch instead of once per record.
   */
  readonly recordBatches: AsyncIterable<readonly SourceRecord[]>;
  /**
   * The first `count` records (fewer when the file has fewer), read ahead without consuming them:
   * `records` and `recordBatches` still start at the first. An error met while reading ahead is
   * thrown by them, after the records before it. Call it before reading them.
   */
  peekRecords(count: number): Promise<readonly SourceRecord[]>;
  /** sha256 hex of the bytes read; available once `records` has been read to the end. */
  contentDigest(): string;
}
