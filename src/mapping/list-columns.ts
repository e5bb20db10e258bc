import { maskPersonalData } from '../privacy/personal-data.js';

/** Enough columns to recognise the file by, without flooding the terminal for a 300-key JSON file. */
const MAX_LISTED_COLUMNS = 30;

/**
 * `a, b, c` for a message; `(none)` for a file without columns. What looks like an email address or
 * a phone number is masked (`<email address>`, `<phone number>`): when a file has no header its
 * first row is taken for the columns, and messages go to CI logs.
 */
export function listColumns(columns: readonly string[]): string {
  if (columns.length === 0) return '(none)';
  const listed = columns.slice(0, MAX_LISTED_COLUMNS).map(maskPersonalData).join(', ');
  const hidden = columns.length - MAX_LISTED_COLUMNS;
  return hidden > 0 ? `${listed} and ${hidden} more` : listed;
}
