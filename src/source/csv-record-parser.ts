import { InputFileError } from '../errors.js';
import { describeCsvSyntaxError } from './csv-error-messages.js';
import { nameHeaderColumns } from './csv-header.js';
import { CsvSyntaxError, CsvTokenizer } from './csv-tokenizer.js';
import type { CsvDelimiter, SourceRecord } from './source-record.js';

/** Guards memory against an unclosed quote or a wrong delimiter swallowing the rest of the file. */
export const MAX_CSV_RECORD_CHARS = 1_000_000;

/**
 * Turns CSV bytes into SourceRecords: the first row names the fields, blank rows (and rows of only
 * delimiters) are skipped, and every other row must have as many fields as the header.
 * Records are appended to the caller's batch, so that those read before an error are kept.
 */
export class CsvRecordParser {
  /** The header, once its row has been parsed. */
  header: string[] | undefined;
  private readonly displayName: string;
  private readonly tokenizer: CsvTokenizer;
  private readonly maxRecordChars: number;
  private batch: SourceRecord[] = [];
  private readonly addRow = (row: string[], line: number): void => {
    const header = this.header;
    if (header === undefined) {
      this.header = nameHeaderColumns(row, this.displayName, line);
      return;
    }
    if (row.length !== header.length) {
      if (isBlankRow(row, header.length)) return;
      throw new InputFileError(
        this.displayName,
        { line },
        `this row has ${row.length} fields but the header has ${header.length}`,
      );
    }
    const fields: Record<string, string> = {};
    let isBlank = true;
    for (let index = 0; index < row.length; index++) {
      const value = row[index] as string;
      if (value !== '') isBlank = false;
      fields[header[index] as string] = value;
    }
    if (!isBlank) this.batch.push({ line, fields });
  };

  constructor(displayName: string, delimiter: CsvDelimiter, maxRecordChars = MAX_CSV_RECORD_CHARS) {
    this.displayName = displayName;
    this.maxRecordChars = maxRecordChars;
    this.tokenizer = new CsvTokenizer(delimiter, maxRecordChars);
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
