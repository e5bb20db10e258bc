import { describe, expect, it } from 'vitest';
import { describeDoubleOptIn, renderSubscriptionText } from './render-subscription-text.js';
import type { SubscriptionSummary } from './run-summary.js';

function summary(overrides: Partial<SubscriptionSummary> = {}): SubscriptionSummary {
  return {
    channels: ['email'],
    optInProcess: 'single_opt_in',
    consenting: 6,
    notConsenting: { count: 3, lines: [3, 4, 8] },
    smsWithoutPhone: { count: 0, lines: [] },
    subscribed: { email: 4, sms: 0 },
    historicalImport: 0,
    confirmationEmails: 0,
    keptOptedOut: [{ reason: 'email_unsubscribed', description: 'Klaviyo records the profile as unsubscribed.', count: 1, lines: [5] }],
    keptOptedOutCount: 1,
    resubscribed: { count: 0, lines: [] },
    refusedByKlaviyo: [{ reason: 'subscribe_invalid', description: 'Invalid email address <email>', count: 1, lines: [9] }],
    refused: 1,
    notSubscribed: { count: 0, lines: [] },
    stoppedBy: null,
    requests: { lookups: 1, subscribe: 2 },
    skippedUnchanged: 0,
    interrupted: null,
    ...overrides,
  };
}

describe('renderSubscriptionText', () => {
  it('puts subscribed, kept opted out, refused and not consenting on lines of their own', () => {
    expect(renderSubscriptionText(summary())).toEqual([
      '  consent (--subscribe email)',
      '    consenting rows      6',
      '    subscribed           email 4',
      '    kept opted out       1 (Klaviyo reports them unsubscribed or suppressed; not re-subscribed)',
      '      email_unsubscribed: 1 (line 5) - Klaviyo records the profile as unsubscribed.',
      '    refused by Klaviyo   1',
      '      subscribe_invalid: 1 (line 9) - Invalid email address <email>',
      '    not consenting       3 (lines 3, 4, 8) (added to the list, consent unchanged)',
      '    requests             1 consent lookups, 2 subscribe',
    ]);
  });

  it('says when the list uses double opt-in, and how many confirmation emails went out', () => {
    const text = renderSubscriptionText(
      summary({
        channels: ['email', 'sms'],
        optInProcess: 'double_opt_in',
        confirmationEmails: 3,
        historicalImport: 1,
        subscribed: { email: 4, sms: 2 },
      }),
    );
    expect(text[0]).toBe('  consent (--subscribe email, sms; the list uses double opt-in)');
    expect(text).toContain('    subscribed           email 4, sms 2');
    expect(text).toContain('      historical import  1 row with a past consent time (no confirmation email)');
    expect(text).toContain('      confirmation       3 emails sent by Klaviyo; each is subscribed once it confirms');
  });

  it('names what stopped the subscriptions', () => {
    const text = renderSubscriptionText(
      summary({ stoppedBy: 'Klaviyo refused subscribing profiles (403).', notSubscribed: { count: 6, lines: [2, 5, 6, 7, 9, 10] } }),
    );
    expect(text).toContain('    not subscribed       6 (lines 2, 5, 6, 7, 9, ... 1 more)');
    expect(text).toContain('    stopped: Klaviyo refused subscribing profiles (403).');
  });
});

describe('describeDoubleOptIn', () => {
  it.each([
    [
      1,
      'List "Newsletter" uses double opt-in: up to 1 person will each receive a confirmation email from Klaviyo, and are subscribed only once they confirm.',
    ],
    [
      1200,
      'List "Newsletter" uses double opt-in: up to 1,200 people will each receive a confirmation email from Klaviyo, and are subscribed only once they confirm.',
    ],
  ])('%i', (count, text) => {
    expect(describeDoubleOptIn('Newsletter', count)).toBe(text);
  });
});
