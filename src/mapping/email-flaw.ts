/**
 * Why a value that failed isEmailAddress is not an address, for the common mistakes of exported
 * files. Only called for rows already rejected, so valid rows pay nothing for it. The hints name
 * the kind of mistake, never the value: they go to CI logs.
 */
export type EmailFlaw =
  | 'invisible_character'
  | 'full_width_at'
  | 'mailto_prefix'
  | 'display_name'
  | 'several_addresses'
  | 'no_at_sign'
  | 'non_ascii_domain'
  | 'non_ascii_local_part';

/** What to do about each flaw, written to follow "does not hold a valid email address: ". */
export const EMAIL_FLAW_HINTS: Readonly<Record<EmailFlaw, string>> = {
  invisible_character: 'it contains an invisible character (zero-width space or joiner, byte order mark or non-breaking space); remove it',
  full_width_at: 'it uses a full-width ＠ instead of @',
  mailto_prefix: 'it starts with "mailto:"; keep only the address',
  display_name: 'it has a display name or angle brackets (Name <address>); keep only the address',
  several_addresses: 'it holds more than one address; put one address per row',
  no_at_sign: 'it has no @',
  non_ascii_domain: 'its domain has non-ASCII characters; write the domain in punycode (xn--...)',
  non_ascii_local_part: 'the part before the @ has non-ASCII characters, which Klaviyo does not accept',
};

/** Characters trim() keeps or that hide inside a value: U+200B..U+200D, U+2060, U+FEFF, U+00A0. */
const INVISIBLE_CHARACTER = /[\u200B-\u200D\u2060\uFEFF\u00A0]/;
/** U+FF20 FULLWIDTH COMMERCIAL AT and U+FE6B SMALL COMMERCIAL AT, typed with an East Asian IME. */
const FULL_WIDTH_AT = /[\uFF20\uFE6B]/;
const MAILTO_PREFIX = /^mailto:/i;
const DISPLAY_NAME = /<[^<>]*@[^<>]*>/;
/** Two @-tokens with a separator between them: `a@x.com; b@y.com`, `a@x.com b@y.com`. */
const SEVERAL_ADDRESSES = /@[^\s,;@]*[\s,;]+[^\s,;@]*@/;
const NON_ASCII = /[\u0080-\uFFFF]/;

/** The first flaw found in `text` (already trimmed and known invalid); undefined when none of them applies. */
export function findEmailFlaw(text: string): EmailFlaw | undefined {
  if (INVISIBLE_CHARACTER.test(text)) return 'invisible_character';
  if (FULL_WIDTH_AT.test(text)) return 'full_width_at';
  if (MAILTO_PREFIX.test(text)) return 'mailto_prefix';
  if (DISPLAY_NAME.test(text)) return 'display_name';
  if (SEVERAL_ADDRESSES.test(text)) return 'several_addresses';
  const atIndex = text.lastIndexOf('@');
  if (atIndex < 0) return 'no_at_sign';
  if (NON_ASCII.test(text.slice(atIndex + 1))) return 'non_ascii_domain';
  if (NON_ASCII.test(text.slice(0, atIndex))) return 'non_ascii_local_part';
  return undefined;
}
