import type { TransformCallback } from 'node:stream';
import { Parser, type CsvError } from 'csv-parse';
import { InputFileError } from '../errors.js';
import { nameHeaderColumns } from './csv-header.js';
import type { CsvDelimiter, SourceRecord } from './source-record.js';

/** Guards memory against an unclosed quote or a wrong delimiter swallowing the rest of the file. */
export const MAX_CSV_RECORD_CHARS = 1_000_000;

/**
 * csv-parse's Parser, emitting one array of SourceRecords per input chunk instead of one row at a
 * time. Each row is turned into a record the moment csv-parse pushes it, when the documented
 * `parser.info` still describes that row; this gives exact start lines without `info: true` or
 * `on_record`, whose per-row info copies cost about a quarter of the parse time on large files.
 * Batching keeps stream overhead per chunk rather than per row; a batch is bounded by the chunk.
 */
export class CsvRecordParser extends Parser {
  /** The header, once its row has been parsed. */
  header: string[] | undefined;
  private readonly displayName: string;
  private readonly lines = new RecordLineTracker();
  private batch: SourceRecord[] = [];
  private rowError: InputFileError | undefined;

  constructor(displayName: string, delimiter: CsvDelimiter) {
    super({
      bom: true,
      delimiter,
      skip_empty_lines: true,
      // Listed rather than discovered from the first line, so files that mix line endings still parse.
      record_delimiter: ['\r\n', '\n', '\r'],
      // Field counts are checked here, where a row of only delimiters also counts as blank.
      relax_column_count: true,
      max_record_size: MAX_CSV_RECORD_CHARS,
      // Handed to stream.Transform: each buffered item is a whole batch, so buffer few of them.
      readableHighWaterMark: 2,
    } as ConstructorParameters<typeof Parser>[0]);
    this.displayName = displayName;
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      this.pushBatch();
      callback(this.rowError ?? error);
    });
  }

  override _flush(callback: TransformCallback): void {
    super._flush((error?: Error | null) => callback(this.rowError ?? error));
  }

  override push(row: unknown): boolean {
    if (row === null) {
      // The end must not be announced before the error of a row in the last chunk.
      if (this.rowError !== undefined) return false;
      this.pushBatch();
      return super.push(null);
    }
    if (this.rowError === undefined) {
      try {
        this.addRow(row as string[]);
      } catch (error) {
        if (!(error instanceof InputFileError)) throw error;
        this.rowError = error;
      }
    }
    return true;
  }

  /** The line where the row csv-parse failed on starts, and the line it failed on. */
  locateError(error: CsvError): { recordStartLine: number; currentLine: number } {
    const emptyLines = typeof error['empty_lines'] === 'number' ? error['empty_lines'] : this.info.empty_lines;
    const lines = typeof error['lines'] === 'number' ? error['lines'] : this.info.lines;
    return { recordStartLine: this.lines.startOf(emptyLines), currentLine: this.lines.correct(lines) };
  }

  private addRow(row: string[]): void {
    const line = this.lines.next(row, this.info.lines, this.info.empty_lines);
    const header = this.header;
    if (header === undefined) {
      this.header = nameHeaderColumns(row, this.displayName, line);
      return;
    }
    if (isBlankRow(row, header.length)) return;
    if (row.length !== header.length) {
      throw new InputFileError(
        this.displayName,
        { line },
        `this row has ${row.length} fields but the header has ${header.length}`,
      );
    }
    const fields: Record<string, string> = {};
    for (let index = 0; index < row.length; index++) fields[header[index] as string] = row[index] as string;
    this.batch.push({ line, fields });
  }

  private pushBatch(): void {
    if (this.batch.length === 0) return;
    super.push(this.batch);
    this.batch = [];
  }
}

function isBlankRow(row: readonly string[], headerLength: number): boolean {
  if (row.length === 1 && headerLength > 1) return (row[0] ?? '').trim() === '';
  for (const value of row) if (value !== '') return false;
  return true;
}

/**
 * Physical start line of each row, from csv-parse's `lines` (the line where a row ends) and
 * `empty_lines` (blank lines skipped). csv-parse 7.0.3 counts a CRLF inside a quoted field as two
 * lines, so those extra lines are counted and subtracted; only rows that seem to span several
 * lines are searched, which keeps the common case free.
 */
class RecordLineTracker {
  private previousEnd = 0;
  private previousEmptyLines = 0;
  private extraLines = 0;

  next(row: readonly string[], lines: number, emptyLines: number): number {
    const start = this.startOf(emptyLines);
    if (lines - this.extraLines > start) this.extraLines += countCrlf(row);
    this.previousEnd = lines - this.extraLines;
    this.previousEmptyLines = emptyLines;
    return start;
  }

  startOf(emptyLines: number): number {
    return this.previousEnd + 1 + (emptyLines - this.previousEmptyLines);
  }

  correct(lines: number): number {
    return lines - this.extraLines;
  }
}

function countCrlf(row: readonly string[]): number {
  let count = 0;
  for (const value of row) {
    for (let at = value.indexOf('\r\n'); at !== -1; at = value.indexOf('\r\n', at + 2)) count++;
  }
  return count;
}
