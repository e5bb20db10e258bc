import { UsageError } from '../errors.js';
import { listColumns } from './list-columns.js';

/** `Email`, `EMAIL`, `e-mail`, `E_Mail`, `EmailAddress`, `email_address`, `Email Address`. */
const EMAIL_COLUMN_NAMES: ReadonlySet<string> = new Set(['email', 'emailaddress']);
const NAME_SEPARATORS = /[\s_.-]+/g;

export function looksLikeEmailColumn(column: string): boolean {
  return EMAIL_COLUMN_NAMES.has(column.toLowerCase().replace(NAME_SEPARATORS, ''));
}

/** The one column that looks like an email address; throws UsageError when there is none or several. */
export function findEmailColumn(columns: readonly string[], fileName = 'the segment file'): string {
  const candidates = columns.filter(looksLikeEmailColumn);
  const [only, ...others] = candidates;
  if (only === undefined) {
    throw new UsageError(`No email column found in ${fileName}; columns: ${listColumns(columns)}. Name it with --email-field.`);
  }
  if (others.length > 0) {
    throw new UsageError(`Several columns look like an email (${candidates.join(', ')}) in ${fileName}; choose one with --email-field.`);
  }
  return only;
}
