/**
 * Klaviyo's `any(email,[...])` filter, the one every lookup by email uses: profiles to ids, their
 * current consent, the members of a list (https://developers.klaviyo.com/en/docs/filtering_).
 */

/** Klaviyo's `any(...)` takes at most 100 values ("Max of 100 items per list filter"; KLAVIYO.md). */
export const MAX_EMAILS_PER_FILTER = 100;

/**
 * `any(email,["a@x.com","b@y.com"])`: each value a double-quoted string with JSON escapes
 * (validated emails hold no quote or backslash: JSON string syntax is Klaviyo's quoted string).
 */
export function emailFilter(emails: readonly string[]): string {
  return `any(email,[${emails.map((email) => JSON.stringify(email)).join(',')}])`;
}
