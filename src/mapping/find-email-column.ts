import { UsageError } from '../errors.js';
import { isEmailAddress } from './email-address.js';
import { listColumns } from './list-columns.js';

/** `Email`, `EMAIL`, `e-mail`, `E_Mail`, `EmailAddress`, `email_address`, `Email Address`. */
const EMAIL_COLUMN_NAMES: ReadonlySet<string> = new Set(['email', 'emailaddress']);
const NAME_SEPARATORS = /[\s_.-]+/g;

/** How many data rows are looked at to find the email column by its values. */
export const EMAIL_SAMPLE_ROWS = 1_000;
/** The share of a column's non-blank sampled values that must be email addresses. */
const EMAIL_SHARE = 0.9;

export function looksLikeEmailColumn(column: string): boolean {
  return EMAIL_COLUMN_NAMES.has(column.toLowerCase().replace(NAME_SEPARATORS, ''));
}

/**
 * The one column named like an email; failing that, the one column whose values are email
 * addresses (at least 90% of the non-blank values of `sample`, the first data rows). Throws
 * UsageError when there is none, or several equally good.
 */
export function findEmailColumn(
  columns: readonly string[],
  fileName = 'the segment file',
  sample: readonly { readonly fields: Readonly<Record<string, unknown>> }[] = [],
): string {
  const named = columns.filter(looksLikeEmailColumn);
  if (named.length > 1) {
    throw new UsageError(`Several columns look like an email (${listColumns(named)}) in ${fileName}; choose one with --email-field.`);
  }
  if (named[0] !== undefined) return named[0];
  const holding = columnsHoldingEmails(columns, sample);
  if (holding.length > 1) {
    throw new UsageError(
      `Several columns hold email addresses (${listColumns(holding)}) in ${fileName} and none is named like "email"; choose one with --email-field.`,
    );
  }
  if (holding[0] !== undefined) return holding[0];
  throw new UsageError(
    `No email column found in ${fileName}: none is named like "email" and none holds email addresses; columns: ${listColumns(columns)}. Name it with --email-field.`,
  );
}

/** The notice for an email column found by its values, so that the user can check the choice. */
export function describeEmailColumnChoice(emailColumn: string, emailField: string | undefined): string | undefined {
  if (emailField !== undefined || looksLikeEmailColumn(emailColumn)) return undefined;
  return `Using column ${listColumns([JSON.stringify(emailColumn)])} as the email column: no column is named like "email" and its values are email addresses (choose another with --email-field).`;
}

function columnsHoldingEmails(
  columns: readonly string[],
  sample: readonly { readonly fields: Readonly<Record<string, unknown>> }[],
): string[] {
  return columns.filter((column) => {
    let nonBlank = 0;
    let emails = 0;
    for (const { fields } of sample) {
      const value = fields[column];
      if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) continue;
      nonBlank += 1;
      if (typeof value === 'string' && isEmailAddress(value.trim())) emails += 1;
    }
    return nonBlank > 0 && emails >= EMAIL_SHARE * nonBlank;
  });
}
