// Personal data (email addresses, phone numbers) kept out of messages, which reach terminals and CI
// logs. A leaf module: the readers (src/source) and the mapping (src/mapping) both use it.
/**
 * Text that holds something shaped like an email address, valid or not: characters, `@`, and a
 * domain with a dot (`ann@example.com`, `ann@exämple.de`, `<ann@example.com>`). Looser than
 * isEmailAddress on purpose: it guards personal data, so a near-miss counts too.
 * Each run is bounded by `@` and the excluded characters, so it cannot backtrack badly.
 */
const EMAIL_LIKE = /[^\s@<>()[\],;:"']+@[^\s@<>()[\],;:"'.]+(?:\.[^\s@<>()[\],;:"'.]+)+/g;

const EMAIL_PLACEHOLDER = '<email address>';

export function containsEmailAddress(text: string): boolean {
  // A fresh lastIndex: the pattern is global for maskEmailAddresses.
  EMAIL_LIKE.lastIndex = 0;
  return text.includes('@') && EMAIL_LIKE.test(text);
}

/** `text` with every email-like part replaced by `<email address>`, for messages that reach CI logs. */
export function maskEmailAddresses(text: string): string {
  return text.includes('@') ? text.replace(EMAIL_LIKE, EMAIL_PLACEHOLDER) : text;
}

/**
 * A run that reads like a phone number: an optional `+`, then at least 7 digits, which spaces,
 * dots, dashes, slashes and parentheses may separate (`+1 (415) 555-0123`, `0151 12345678`).
 * Dates and ids of 7 or more digits are masked too, which costs nothing in a message.
 */
const PHONE_LIKE = /\+?\(?\d(?:[\s()./-]*\d){6,}/g;
const PHONE_PLACEHOLDER = '<phone number>';

/**
 * `text` (a column name, a JSON key: something a file holds) with what looks like personal data
 * masked: email addresses and phone numbers. A file without a header line has its first row read
 * as column names, and messages go to CI logs.
 */
export function maskPersonalData(text: string): string {
  const masked = maskEmailAddresses(text);
  return /\d/.test(masked) ? masked.replace(PHONE_LIKE, PHONE_PLACEHOLDER) : masked;
}
