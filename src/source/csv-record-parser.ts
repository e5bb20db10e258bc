import { InputFileError } from '../errors.js';
import { describeCsvSyntaxError } from './csv-error-messages.js';
import { nameHeaderColumns } from './csv-header.js';
import { CsvSyntaxError } from '../errors.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import type { CsvDelimiter, CsvQuoting, SourceRecord } from './source-record.js';

/** Guards memory against an unclosed quote or a wrong delimiter swallowing the rest of the file. */
export const MAX_CSV_RECORD_CHARS = 1_000_000;

export interface CsvRecordParserOptions {
  /** Line 1 is an Excel `sep=;` line, which names the delimiter and is not the header. */
  readonly hasSeparatorLine?: boolean;
  readonly maxRecordChars?: number;
  /** False for `--no-header`: every row is data and the columns are named `1`, `2`, ... */
  readonly hasHeader?: boolean;
  /** The columns' names when they are not in the file (a CDM partition's, from its metadata): every row is data. */
  readonly columnNames?: readonly string[];
  /** `none`: quotes are plain characters (CDM's QuoteStyle.None). */
  readonly quoting?: CsvQuoting;
}

/**
 * Turns CSV bytes into SourceRecords: the first row names the fields, blank rows (and rows of only
 * delimiters) are skipped, and every other row must have as many fields as the header, or more
 * when the extra ones are empty (exports that end every row with a delimiter).
 * Records are appended to the caller's batch, so that those read before an error are kept.
 */
export class CsvRecordParser {
  /** The header, once its row has been parsed. */
  header: string[] | undefined;
  private readonly displayName: string;
  private readonly delimiter: CsvDelimiter;
  private readonly hasSeparatorLine: boolean;
  private readonly hasHeader: boolean;
  private readonly headerSource: string;
  private readonly tokenizer: CsvTokenizer;
  private readonly maxRecordChars: number;
  private batch: SourceRecord[] = [];
  private readonly addRow = (row: string[], line: number): void => {
    let header = this.header;
    if (header === undefined) {
      if (line === 1 && this.hasSeparatorLine) return;
      if (isWhitespaceLine(row, this.delimiter)) return;
      if (this.hasHeader) {
        this.header = nameHeaderColumns(row, this.displayName, line);
        return;
      }
      // --no-header: the first row is data, and the columns are named by their 1-based numbers.
      header = this.header = row.map((_, index) => String(index + 1));
    }
    if (row.length !== header.length) {
      if (isBlankRow(row, header.length)) return;
      if (!hasOnlyEmptyExtraFields(row, header.length)) {
        throw new InputFileError(
          this.displayName,
          { line },
          `this row has ${row.length} fields but the ${this.headerSource} has ${header.length}`,
        );
      }
    }
    const fields: Record<string, string> = {};
    let isBlank = true;
    for (let index = 0; index < header.length; index++) {
      const value = row[index] as string;
      if (value !== '') isBlank = false;
      fields[header[index] as string] = value;
    }
    if (!isBlank) this.batch.push({ line, fields });
  };

  constructor(displayName: string, delimiter: CsvDelimiter, options: CsvRecordParserOptions = {}) {
    this.displayName = displayName;
    this.delimiter = delimiter;
    this.hasSeparatorLine = options.hasSeparatorLine ?? false;
    this.hasHeader = options.columnNames === undefined && (options.hasHeader ?? true);
    if (options.columnNames !== undefined) this.header = [...options.columnNames];
    this.headerSource = options.columnNames !== undefined ? 'list of column names' : this.hasHeader ? 'header' : 'first row';
    this.maxRecordChars = options.maxRecordChars ?? MAX_CSV_RECORD_CHARS;
    this.tokenizer = new CsvTokenizer(delimiter, this.maxRecordChars, options.quoting);
  }

  /** Appends the records that `chunk` completes to `batch`. Throws InputFileError. */
  push(chunk: Uint8Array, batch: SourceRecord[]): void {
    this.batch = batch;
    this.explainSyntaxErrors(() => this.tokenizer.push(chunk, this.addRow));
  }

  /** Appends the last record, if the input does not end with a line break. Throws InputFileError. */
  end(batch: SourceRecord[]): void {
    this.batch = batch;
    this.explainSyntaxErrors(() => this.tokenizer.end(this.addRow));
  }

  private explainSyntaxErrors(parse: () => void): void {
    try {
      parse();
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      const problem = describeCsvSyntaxError(error, this.header, this.maxRecordChars);
      throw new InputFileError(this.displayName, problem, problem.reason, { cause: error });
    }
  }
}

/** A row of one blank value (when the header has several) or of empty values only. */
function isBlankRow(row: readonly string[], headerLength: number): boolean {
  if (row.length === 1 && headerLength > 1) return (row[0] ?? '').trim() === '';
  for (const value of row) if (value !== '') return false;
  return true;
}

/** More fields than the header, the extra ones all empty: `a@x.com,Ann,` under `email,name`. */
function hasOnlyEmptyExtraFields(row: readonly string[], headerLength: number): boolean {
  if (row.length < headerLength) return false;
  for (let index = headerLength; index < row.length; index++) if (row[index] !== '') return false;
  return true;
}

/** A line of spaces (or tabs) only, which is skipped before the header like an empty line. */
function isWhitespaceLine(row: readonly string[], delimiter: CsvDelimiter): boolean {
  if (row.length > 1 && delimiter !== '\t') return false;
  return row.every((value) => value.trim() === '');
}
