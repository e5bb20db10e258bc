import type { ProfileConsent } from '../../klaviyo/profile-consent-lookup.js';
import type { ConsentKey, ConsentStanding } from '../../state/consent-journal.js';

/**
 * What the consent journal decides about a consenting row, in two steps: before the lookup, whether
 * an earlier run already subscribed it with the same consent (then it is neither looked up nor
 * sent); after the lookup, what to do with a row whose request an interrupted run sent without
 * learning the answer.
 */

/** How this run dealt with the rows an interrupted run left uncertain. */
export interface UncertainSettlement {
  /** Profiles the journal held as uncertain when the step started. */
  found: number;
  /** Klaviyo shows them subscribed on every channel asked: the interrupted request took effect. */
  subscribedAlready: number;
  /** Not subscribed, and a confirmation email may be pending: not sent again. */
  notResent: number;
  /** Sent again: no confirmation email can come of it twice (single opt-in, or a historical import). */
  resent: number;
}

/**
 * `skip`: sent by an earlier run with this very consent: by an interrupted consent step (its rerun
 * must not send it twice), or by any earlier run with `--changed-only`.
 */
export function decideFromJournal(standing: ConsentStanding, key: ConsentKey, changedOnly: boolean): 'skip' | 'look-up' {
  if (standing.kind !== 'sent' || standing.consent !== key.consent) return 'look-up';
  return standing.isOpen || changedOnly ? 'skip' : 'look-up';
}

/**
 * An uncertain row that may be subscribed after the opt-out check: `subscribed-already` when
 * Klaviyo shows every channel to send as SUBSCRIBED; `not-resent` when a double opt-in
 * confirmation may have gone out and this request would send another; `send` otherwise (sending
 * again changes nothing that was applied: single opt-in, or a historical import without email).
 */
export function settleUncertain(
  standing: Extract<ConsentStanding, { kind: 'uncertain' }>,
  channels: { readonly email: boolean; readonly sms: boolean },
  current: ProfileConsent | undefined,
  mailsNow: boolean,
): 'subscribed-already' | 'not-resent' | 'send' {
  const isSubscribed = (consent: string | undefined) => consent === 'SUBSCRIBED';
  const isDone =
    (!channels.email || isSubscribed(current?.emailMarketing?.consent)) && (!channels.sms || isSubscribed(current?.smsMarketing?.consent));
  if (isDone) return 'subscribed-already';
  if (standing.mayHaveMailed && mailsNow) return 'not-resent';
  return 'send';
}
