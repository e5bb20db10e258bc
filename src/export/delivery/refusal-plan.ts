import type { ApiErrorObject } from '../../errors.js';
import { profileIndexFromPointer } from '../../klaviyo/klaviyo-client.js';

/**
 * What to do after Klaviyo refused a bulk-import request with 400. Klaviyo validates the request
 * all or nothing and does not document whether one answer names every refused profile, only the
 * first, or none (KLAVIYO.md, "What the docs leave open"). So:
 * - named profiles are stripped and the rest sent again, as long as answers keep naming some;
 * - an answer that names nobody splits the request in halves, each sent on its own, recursively:
 *   only a profile refused alone is rejected, and k refused profiles cost about k·log2(n) requests;
 * - an error about another part of the request (its list, a parameter) would refuse any half too:
 *   the request is given up.
 */
export type RefusalPlan =
  /** Reject these profiles (by index in the refused request) with their error, send the rest again. */
  | { readonly kind: 'strip'; readonly named: ReadonlyMap<number, ApiErrorObject> }
  /** The answer names nobody: send each half on its own. */
  | { readonly kind: 'split'; readonly at: number }
  /** The one profile of the request is refused on its own, with this error. */
  | { readonly kind: 'refuse-alone'; readonly error: ApiErrorObject }
  /** The request itself is refused, whatever its profiles. */
  | { readonly kind: 'give-up'; readonly error: ApiErrorObject | undefined };

/** Pointers that may be about the profiles without saying which one. */
const UNSPECIFIC_POINTERS = new Set(['', '/', '/data', '/data/attributes', '/data/attributes/profiles', '/data/attributes/profiles/data']);

export function planAfterRefusal(errors: readonly ApiErrorObject[], profileCount: number): RefusalPlan {
  const named = new Map<number, ApiErrorObject>();
  for (const error of errors) {
    const index = profileIndexFromPointer(error.pointer);
    // An index beyond the request names a profile no longer in it: that names nobody.
    if (index !== undefined && index < profileCount && !named.has(index)) named.set(index, error);
  }
  if (named.size > 0) return { kind: 'strip', named };
  const aboutRequest = errors.find((error) => isAboutRequest(error));
  if (aboutRequest !== undefined) return { kind: 'give-up', error: aboutRequest };
  if (profileCount <= 1) return { kind: 'refuse-alone', error: errors[0] ?? {} };
  return { kind: 'split', at: Math.ceil(profileCount / 2) };
}

/** A query parameter or header (`revision`), or a pointer outside the profiles (the list, the type). */
function isAboutRequest(error: ApiErrorObject): boolean {
  if (error.parameter !== undefined) return true;
  const pointer = error.pointer;
  if (pointer === undefined || UNSPECIFIC_POINTERS.has(pointer.replace(/\/+$/, ''))) return false;
  return !pointer.startsWith('/data/attributes/profiles/');
}
