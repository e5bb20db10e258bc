import { describe, expect, it } from 'vitest';
import type { ProfileConsent } from '../../klaviyo/profile-consent-lookup.js';
import { decideOptOut } from './opt-out-decision.js';

const LIST = 'Y6nRLr';
const T = (iso: string) => Date.parse(iso);
const OPTED_OUT_AT = T('2025-01-10T00:00:00Z');
const BEFORE = T('2024-12-01T00:00:00Z');
const AFTER = T('2025-02-01T00:00:00Z');

function profile(overrides: Partial<ProfileConsent> = {}): ProfileConsent {
  return { profileId: '01P', email: 'ann@example.com', ...overrides };
}
const neverSubscribed = profile({
  emailMarketing: { consent: 'NEVER_SUBSCRIBED', suppressions: [] },
  smsMarketing: { consent: 'NEVER_SUBSCRIBED' },
});
const unsubscribed = profile({
  emailMarketing: { consent: 'UNSUBSCRIBED', consentAtMs: OPTED_OUT_AT, suppressions: [{ reason: 'UNSUBSCRIBE', atMs: OPTED_OUT_AT }] },
  smsMarketing: { consent: 'UNSUBSCRIBED', consentAtMs: OPTED_OUT_AT },
});
const spam = profile({ emailMarketing: { consent: 'NEVER_SUBSCRIBED', suppressions: [{ reason: 'SPAM_COMPLAINT', atMs: OPTED_OUT_AT }] } });
const bounced = profile({ emailMarketing: { consent: 'SUBSCRIBED', suppressions: [{ reason: 'HARD_BOUNCE', atMs: OPTED_OUT_AT }] } });
const unsubscribedWithoutTime = profile({ emailMarketing: { consent: 'UNSUBSCRIBED', suppressions: [] } });
const leftThisList = profile({
  emailMarketing: { consent: 'SUBSCRIBED', suppressions: [{ reason: 'USER_SUPPRESSED', atMs: OPTED_OUT_AT, listId: LIST }] },
});
const leftOtherList = profile({
  emailMarketing: { consent: 'SUBSCRIBED', suppressions: [{ reason: 'USER_SUPPRESSED', atMs: OPTED_OUT_AT, listId: 'Other1' }] },
});

const SEND = { send: true, isResubscribe: false };
const RESUBSCRIBE = { send: true, isResubscribe: true };
const kept = (reason: string, klaviyoReason: string) => ({ send: false, reason, klaviyoReason });

describe('decideOptOut', () => {
  it.each([
    ['a new profile (Klaviyo knows nobody by that email)', 'email', undefined, undefined, false, SEND],
    ['a profile that never subscribed', 'email', neverSubscribed, undefined, false, SEND],
    ['a profile that never subscribed, on SMS', 'sms', neverSubscribed, undefined, false, SEND],
    ['an unsubscribed profile', 'email', unsubscribed, undefined, false, kept('unsubscribed', 'UNSUBSCRIBED')],
    ['an unsubscribed profile, on SMS', 'sms', unsubscribed, undefined, false, kept('unsubscribed', 'UNSUBSCRIBED')],
    ['a spam complaint', 'email', spam, undefined, false, kept('suppressed', 'SPAM_COMPLAINT')],
    ['a spam complaint, on SMS (email suppressions are email only)', 'sms', spam, undefined, false, SEND],
    ['a hard bounce', 'email', bounced, undefined, false, kept('suppressed', 'HARD_BOUNCE')],
    ['an unsubscribe from this list', 'email', leftThisList, undefined, false, kept('unsubscribed_from_list', 'USER_SUPPRESSED')],
    ['an unsubscribe from another list', 'email', leftOtherList, undefined, false, SEND],
    ['--resubscribe with a consent after the opt-out', 'email', unsubscribed, AFTER, true, RESUBSCRIBE],
    ['--resubscribe with a consent after the opt-out, on SMS', 'sms', unsubscribed, AFTER, true, RESUBSCRIBE],
    ['--resubscribe with a consent after a list unsubscribe', 'email', leftThisList, AFTER, true, RESUBSCRIBE],
    ['--resubscribe with a consent before the opt-out', 'email', unsubscribed, BEFORE, true, kept('unsubscribed', 'UNSUBSCRIBED')],
    [
      '--resubscribe with a consent at the very time of the opt-out',
      'email',
      unsubscribed,
      OPTED_OUT_AT,
      true,
      kept('unsubscribed', 'UNSUBSCRIBED'),
    ],
    ['--resubscribe without a consent time', 'email', unsubscribed, undefined, true, kept('unsubscribed', 'UNSUBSCRIBED')],
    [
      '--resubscribe when Klaviyo gives no opt-out time',
      'email',
      unsubscribedWithoutTime,
      AFTER,
      true,
      kept('unsubscribed', 'UNSUBSCRIBED'),
    ],
    ['--resubscribe for a hard bounce, whatever the consent time', 'email', bounced, AFTER, true, kept('suppressed', 'HARD_BOUNCE')],
    ['a later consent time without --resubscribe', 'email', unsubscribed, AFTER, false, kept('unsubscribed', 'UNSUBSCRIBED')],
  ] as const)('%s', (_name, channel, current, consentedAtMs, allowResubscribe, expected) => {
    expect(decideOptOut(channel, current, consentedAtMs, { listId: LIST, allowResubscribe })).toEqual(expected);
  });
});
