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
