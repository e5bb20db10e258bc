import type { SourceRecord } from './source-record.js';

/**
 * What each format reader returns: records in batches (one per chunk of input, so per-record
 * async overhead is paid once, by the caller that flattens them), and the columns it learns.
 */
export interface FormatReader {
  /**
   * Filled while reading: CSV from the header, JSON/NDJSON from the first object's keys and then
   * any new key seen. Complete for CSV once the first batch (or the end) has been read.
   */
  readonly columns: readonly string[];
  readonly batches: AsyncGenerator<readonly SourceRecord[], void, undefined>;
}

export interface FormatReaderOptions {
  /** The file name used in error messages. */
  readonly displayName: string;
}
