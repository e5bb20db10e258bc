import type { ProfileConsent, Suppression } from '../../klaviyo/profile-consent-lookup.js';
import type { SubscribeChannel } from '../../mapping/consent-mapping.js';
import type { KeptReason } from '../rejects/row-outcome.js';

/**
 * Whether a consenting row may be sent to Klaviyo's subscribe endpoint on one channel, given what
 * Klaviyo records for the profile now. That endpoint lifts UNSUBSCRIBE, SPAM_REPORT and
 * USER_SUPPRESSED suppressions, so sending someone who opted out would silently re-subscribe them:
 * a profile Klaviyo reports as unsubscribed or suppressed is kept out.
 *
 * `--resubscribe` lets a row through only when its own consent time is later than every recorded
 * opt-out: the person consented again after opting out (a new sign-up form, a double opt-in
 * elsewhere). Without a consent time, or an opt-out without a time, nothing proves that.
 * Bounces and invalid addresses are not opt-outs the endpoint can lift: they always stay out.
 */

export type OptOutDecision =
  | { send: true; isResubscribe: boolean }
  | { send: false; reason: KeptReason; /** Klaviyo's own word, e.g. SPAM_COMPLAINT. */ klaviyoReason: string };

export interface OptOutContext {
  readonly listId: string;
  readonly allowResubscribe: boolean;
}

/** Suppressions subscribing cannot lift, and that no consent overrides. */
const PERMANENT_SUPPRESSIONS: ReadonlySet<string> = new Set(['HARD_BOUNCE', 'INVALID_EMAIL']);

interface OptOut {
  reason: KeptReason;
  klaviyoReason: string;
  atMs: number | undefined;
  isPermanent: boolean;
}

export function decideOptOut(
  channel: SubscribeChannel,
  current: ProfileConsent | undefined,
  consentedAtMs: number | undefined,
  context: OptOutContext,
): OptOutDecision {
  const optOuts = current === undefined ? [] : recordedOptOuts(channel, current, context.listId);
  const [first] = optOuts;
  if (first === undefined) return { send: true, isResubscribe: false };
  const canOverride =
    context.allowResubscribe &&
    consentedAtMs !== undefined &&
    optOuts.every((optOut) => !optOut.isPermanent && optOut.atMs !== undefined && consentedAtMs > optOut.atMs);
  if (canOverride) return { send: true, isResubscribe: true };
  const shown = optOuts.find((optOut) => optOut.isPermanent) ?? first;
  return { send: false, reason: shown.reason, klaviyoReason: shown.klaviyoReason };
}

function recordedOptOuts(channel: SubscribeChannel, current: ProfileConsent, listId: string): OptOut[] {
  const optOuts: OptOut[] = [];
  const marketing = channel === 'email' ? current.emailMarketing : current.smsMarketing;
  if (marketing?.consent === 'UNSUBSCRIBED') {
    optOuts.push({ reason: 'unsubscribed', klaviyoReason: 'UNSUBSCRIBED', atMs: marketing.consentAtMs, isPermanent: false });
  }
  if (channel === 'email') {
    for (const suppression of current.emailMarketing?.suppressions ?? []) {
      const optOut = suppressionOptOut(suppression, listId);
      if (optOut !== undefined) optOuts.push(optOut);
    }
  }
  return optOuts;
}

function suppressionOptOut(suppression: Suppression, listId: string): OptOut | undefined {
  if (suppression.listId !== undefined && suppression.listId !== listId) return undefined;
  return {
    reason: suppression.listId === undefined ? 'suppressed' : 'unsubscribed_from_list',
    klaviyoReason: suppression.reason,
    atMs: suppression.atMs,
    isPermanent: PERMANENT_SUPPRESSIONS.has(suppression.reason),
  };
}

export const KEPT_REASON_DESCRIPTIONS: Record<KeptReason, string> = {
  unsubscribed: 'Klaviyo records the profile as unsubscribed on this channel; it was not re-subscribed.',
  suppressed: 'Klaviyo suppresses the profile (unsubscribe, spam complaint, bounce or manual suppression); it was not re-subscribed.',
  unsubscribed_from_list: 'The profile unsubscribed from this list; it was not re-subscribed.',
};
