/**
 * The email rule a profile must pass before it is sent. Klaviyo refuses a bad address inside the
 * import job (it lands in `import-errors`), so we catch what it would refuse here, where the row
 * and its line number are still known.
 *
 * Why not zod's default `z.email()`: it refuses legitimate characters of RFC 5322's dot-atom
 * (`! # $ % & * / = ? ^ { | } ~`), accepts domain labels that end in `-`, and has no length limits.
 * This pattern is the RFC 5321/5322 dot-atom, ASCII only (no quoted local parts, no IP literals,
 * no raw Unicode: an internationalised domain must be given as punycode, `xn--...`):
 * - local part: 1..64 characters, no leading, trailing or consecutive dots, no spaces;
 * - domain: at least two labels of 1..63 letters, digits or inner hyphens;
 * - top-level domain: 2..63 letters, or a punycode label (`xn--p1ai`).
 * The 254-character total (RFC 5321 path limit minus the angle brackets) is checked by the schema.
 *
 * The pattern is anchored and its repetitions are separated by `.` or `@`, so it cannot backtrack
 * catastrophically; it runs once per row.
 */
const LOCAL_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const TOP_LEVEL_DOMAIN = '(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})';

export const EMAIL_ADDRESS_PATTERN = new RegExp(
  `^(?=[^@]{1,64}@)${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*@(?:${DOMAIN_LABEL}\\.)+${TOP_LEVEL_DOMAIN}$`,
);

/** RFC 5321 section 4.5.3.1.3: a path is at most 256 octets including `<` and `>`. */
export const MAX_EMAIL_ADDRESS_LENGTH = 254;

/**
 * What the profile schema's email check accepts, without zod's per-call overhead: the mapper
 * checks one address per row. profile-schema.ts builds its email schema from the same two values.
 */
export function isEmailAddress(text: string): boolean {
  return text.length <= MAX_EMAIL_ADDRESS_LENGTH && EMAIL_ADDRESS_PATTERN.test(text);
}
