import { isNoValueMarker } from './field-value.js';

/**
 * Reads a consent column the way exports write it: Shopify's `Accepts Email Marketing` says
 * `yes`/`no`, CDPs write `true`/`false` or `1`/`0`, some tools the status itself (`subscribed`).
 * Blank (or a no-value marker such as `NULL`) means no: consent is never assumed. Any other
 * value is not guessed at (`pending`, `maybe`, `2`): the row is rejected with its line.
 */
export type ConsentValue = 'yes' | 'no' | { readonly invalid: string };

const YES: ReadonlySet<string> = new Set(['yes', 'y', 'true', '1', 'subscribed']);
const NO: ReadonlySet<string> = new Set(['no', 'n', 'false', '0', 'unsubscribed', 'not subscribed', 'not_subscribed']);

/** `invalid` describes the kind of value found, never the value itself (it may be personal data). */
export function readConsentValue(raw: unknown): ConsentValue {
  switch (typeof raw) {
    case 'boolean':
      return raw ? 'yes' : 'no';
    case 'number':
      return raw === 1 ? 'yes' : raw === 0 ? 'no' : { invalid: 'a number other than 1 or 0' };
    case 'undefined':
      return 'no';
    case 'string': {
      const text = raw.trim().toLowerCase();
      if (text === '' || isNoValueMarker(text)) return 'no';
      if (YES.has(text)) return 'yes';
      if (NO.has(text)) return 'no';
      return { invalid: 'a value that is neither yes nor no' };
    }
    default:
      return raw === null ? 'no' : { invalid: 'a list or an object' };
  }
}

/** For messages and docs/consent.md: what a consent column may hold. */
export const CONSENT_VALUES_HINT = 'yes/no, y/n, true/false, 1/0, subscribed/unsubscribed, or blank for no';
