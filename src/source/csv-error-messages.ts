import { maskPersonalData } from '../privacy/personal-data.js';
import type { CsvSyntaxError } from '../errors.js';

export interface CsvProblem {
  readonly line: number;
  readonly column?: number;
  readonly reason: string;
}

/** One sentence for each way a CSV file can be malformed. */
export function describeCsvSyntaxError(error: CsvSyntaxError, header: readonly string[] | undefined, maxRecordChars: number): CsvProblem {
  const { line, column, fieldIndex } = error;
  const named = fieldIndex === undefined ? 'a field' : describeField(fieldIndex, header);
  switch (error.code) {
    case 'QUOTE_NOT_CLOSED':
      return {
        line,
        reason: 'a quoted field that starts in this row is never closed (the file ends inside the quotes)',
      };
    case 'RECORD_TOO_LONG': {
      const tooLong = `the row that starts here is longer than ${maxRecordChars.toLocaleString('en-US')} characters`;
      return {
        line,
        reason: error.isInsideQuotes
          ? `${tooLong}; a quote that opens in it is probably not closed`
          : `${tooLong}; is the file really CSV?`,
      };
    }
    case 'QUOTE_IN_UNQUOTED_FIELD':
      return {
        line,
        column,
        reason: `${named} has a quote inside a value that does not start with one; put the whole value in quotes and double the quotes inside it`,
      };
    case 'TEXT_AFTER_CLOSING_QUOTE':
      return {
        line,
        column,
        reason: `in ${named}, a closing quote is followed by other characters instead of a delimiter or the end of the line; double quotes that are part of the value`,
      };
  }
}

/** `field 2 ("name")`: "column" means the character position that InputFileError puts before the message. */
function describeField(index: number, header: readonly string[] | undefined): string {
  const name = header?.[index];
  return name === undefined ? `field ${index + 1}` : `field ${index + 1} (${maskPersonalData(JSON.stringify(name))})`;
}
