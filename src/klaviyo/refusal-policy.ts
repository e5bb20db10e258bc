import type { ApiErrorObject } from '../errors.js';
import { profileIndexFromPointer } from './api-errors.js';

/**
 * What to do after Klaviyo refused a request of profiles (a bulk import, a bulk subscribe) with
 * 400. Klaviyo validates such a request all or nothing and does not document whether one answer
 * names every refused profile, only the first, or none (KLAVIYO.md, "What the docs leave open").
 * So, for both requests alike:
 * - named profiles (`source.pointer` `/data/attributes/profiles/data/<i>/…`) are taken out and the
 *   rest sent again, as long as answers keep naming some: each such answer settles a profile;
 * - an answer that names nobody splits the request in halves, each sent on its own: only a profile
 *   refused alone is refused for certain, and k such profiles cost about k·log2(n) refusals. These
 *   refusals are spent from a budget (RefusalBudget); once it is spent, the profiles left are given
 *   up with a reason instead of halving on (a request refused whatever its half cost 2n-1 requests);
 * - an error about another part of the request (its list, a parameter) would refuse any half too:
 *   the request is given up.
 */
export type RefusalPlan =
  /** Refuse these profiles (by index in the refused request) with their errors, send the rest again. */
  | { readonly kind: 'strip'; readonly named: ReadonlyMap<number, readonly ApiErrorObject[]> }
  /** The answer names nobody: send each half on its own. */
  | { readonly kind: 'split'; readonly at: number }
  /** The one profile of the request is refused on its own, with this error. */
  | { readonly kind: 'refuse-alone'; readonly error: ApiErrorObject }
  /** The request itself is refused, whatever its profiles. */
  | { readonly kind: 'give-up'; readonly error: ApiErrorObject | undefined }
  /** The budget of refusals that name nobody is spent: the request's profiles are given up. */
  | { readonly kind: 'budget-spent'; readonly refusals: number; readonly error: ApiErrorObject | undefined };

/** Enough refusals to find about this many unnamed refused profiles by halving, before giving up. */
const UNNAMED_PROFILES_TO_FIND = 4;

/**
 * The refusals naming nobody that one original request (a batch, a subscribe request) may meet,
 * its halves' included: about 4·(log2(n) + 1), so 28 for 64 profiles, 44 for 1,000, 60 for 10,000.
 * One budget for a request and all its halves; not shared between requests.
 */
export class RefusalBudget {
  readonly limit: number;
  #spent = 0;

  constructor(profileCount: number) {
    this.limit = UNNAMED_PROFILES_TO_FIND * (Math.ceil(Math.log2(Math.max(2, profileCount))) + 1);
  }

  get spent(): number {
    return this.#spent;
  }

  /** A half still to send would be given up on its first refusal: not worth sending. */
  get isSpent(): boolean {
    return this.#spent >= this.limit;
  }

  /** Counts one refusal that names nobody; false once the budget was already spent. */
  spend(): boolean {
    if (this.#spent >= this.limit) return false;
    this.#spent += 1;
    return true;
  }
}

/** Pointers that may be about the profiles without saying which one. */
const UNSPECIFIC_POINTERS = new Set(['', '/', '/data', '/data/attributes', '/data/attributes/profiles', '/data/attributes/profiles/data']);

export function planAfterRefusal(errors: readonly ApiErrorObject[], profileCount: number, budget: RefusalBudget): RefusalPlan {
  const named = new Map<number, ApiErrorObject[]>();
  for (const error of errors) {
    const index = profileIndexFromPointer(error.pointer);
    // An index beyond the request names a profile no longer in it: that names nobody.
    if (index === undefined || index >= profileCount) continue;
    named.set(index, [...(named.get(index) ?? []), error]);
  }
  if (named.size > 0) return { kind: 'strip', named };
  const aboutRequest = errors.find((error) => isAboutRequest(error));
  if (aboutRequest !== undefined) return { kind: 'give-up', error: aboutRequest };
  if (!budget.spend()) return { kind: 'budget-spent', refusals: budget.spent, error: errors[0] };
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
