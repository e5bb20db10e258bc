import type { CsvDelimiter, CsvQuoting, SegmentFormat, SegmentInput } from '../../source/source-record.js';
import type { RowsOutput } from '../../report/rejects-csv.js';

/** How to read, map and plan a segment: shared by validateSegment and pushSegment. */
export interface SegmentRequest {
  /**
   * A path, '-' to read `stdin`, a folder (its data files in name order, `_SUCCESS` and `.crc`
   * files left out), or several paths read in order as one segment (docs/inputs.md).
   */
  readonly file: SegmentInput;
  /** Read when `file` is '-'. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Default: from the extension (`-`: from the first bytes). */
  readonly format?: SegmentFormat;
  /** CSV only; default: detected from the header. */
  readonly delimiter?: CsvDelimiter;
  /** The file's encoding label, e.g. windows-1252, utf-16le (default: UTF-8, or UTF-16 by its BOM). */
  readonly encoding?: string;
  /** CSV only; false: no header line, columns are named by number (1, 2, ...). Default true. */
  readonly hasHeader?: boolean;
  /** CSV only; `none`: quotes are plain characters, every line break ends a row (Redshift UNLOAD without ADDQUOTES). Default `csv`. */
  readonly quoting?: CsvQuoting;
  /**
   * JSON only: the key, or dotted path of keys, of the array of profiles in the top-level object
   * (`results`, `response.customers`; `\.` is a dot inside a key). Default: the file is an array,
   * or an object whose `profiles` or `data` is one.
   */
  readonly jsonPath?: string;
  /**
   * A Common Data Model folder (Dynamics 365 Customer Insights' export to Azure Data Lake, with
   * `model.json` or `*.manifest.cdm.json`): the entity to read when the folder holds several.
   */
  readonly entity?: string;
  /** The email column; default: the one column named like `email`. */
  readonly emailField?: string;
  /**
   * `field=column` pairs, e.g. `first_name=First Name`, `properties.tier=Tier`; in JSON, a nested
   * key by its path, `location.city=address.city`. Each wins over the mapping by name for its field and column.
   */
  readonly map?: readonly string[];
  /**
   * Map the columns whose names say which field they hold (`First Name`, `Phone`,
   * `Default Address City`, `Customer ID`...; docs/mapping.md lists them). Default true
   * (`--no-default-map`: false).
   */
  readonly defaultMap?: boolean;
  /**
   * Send every column the mapping does not use as a custom property under its own name (CSV values
   * typed by their whole column). Default true (`--no-properties`: false, only mapped fields are sent).
   */
  readonly properties?: boolean;
  /** ISO country for phone numbers written without +country. */
  readonly defaultCountry?: string;
  /** Profiles per export, at most 100,000 (the default). */
  readonly maxPerExport?: number;
  /** Profiles per import request, at most 10,000 (the default). */
  readonly batchSize?: number;
  /** Write every row not delivered (line, reason, detail, values) to this CSV file; its folder is created. A path "-" is refused. */
  readonly rejectsPath?: string;
  /** Write the same CSV here instead (the CLI's `--rejects -`: standard output); wins over `rejectsPath`. */
  readonly rejectsOutput?: RowsOutput;
  /** Any rejected row fails the run (outcome `rejected-strict`) before anything is sent. */
  readonly strict?: boolean;
  /**
   * Fewer data rows than this fail the run (outcome `too-few-rows`) before anything is sent: a file
   * cut short by a failed export must not look like a small segment. Default 1: an empty file fails.
   */
  readonly minRows?: number;
  /** A file without any data row is fine (outcome `empty`, nothing sent), whatever `minRows` says. */
  readonly allowEmpty?: boolean;
  /** More than this percentage (0-100) of the rows rejected fails the run (outcome `too-many-rejected`) before anything is sent. */
  readonly maxRejectedPercent?: number;
  /** Stops the run: reading ends, no new request starts; the summary says what was delivered. */
  readonly signal?: AbortSignal;
}
