import type { CsvError } from 'csv-parse';

export interface CsvErrorPlace {
  /** Line where the record being parsed starts. */
  readonly recordStartLine: number;
  /** Line csv-parse was on. */
  readonly currentLine: number;
  readonly header: readonly string[] | undefined;
}

export interface CsvProblem {
  readonly line: number;
  readonly column?: number;
  readonly reason: string;
}

/** One sentence for each csv-parse error code a malformed file can raise. */
export function describeCsvError(error: CsvError, place: CsvErrorPlace, maxRecordChars: number): CsvProblem {
  const columnIndex = typeof error['column'] === 'number' ? error['column'] : undefined;
  const column = columnIndex === undefined ? undefined : columnIndex + 1;
  const named = columnIndex === undefined ? 'a field' : describeColumn(columnIndex, place.header);
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        line: place.recordStartLine,
        reason: 'a quoted field that starts in this row is never closed (the file ends inside the quotes)',
      };
    case 'CSV_MAX_RECORD_SIZE':
      return {
        line: place.recordStartLine,
        reason: `the row that starts here is longer than ${maxRecordChars.toLocaleString('en-US')} characters; a quote is probably not closed`,
      };
    case 'INVALID_OPENING_QUOTE':
      return {
        line: place.currentLine,
        column,
        reason: `${named} has a quote inside a value that does not start with one; put the whole value in quotes and double the quotes inside it`,
      };
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return {
        line: place.currentLine,
        column,
        reason: `in ${named}, a closing quote is followed by other characters instead of a delimiter or the end of the line; double quotes that are part of the value`,
      };
    default:
      return { line: place.currentLine, reason: `the CSV cannot be parsed (${error.code})` };
  }
}

function describeColumn(index: number, header: readonly string[] | undefined): string {
  const name = header?.[index];
  return name === undefined ? `column ${index + 1}` : `column ${index + 1} (${JSON.stringify(name)})`;
}
