import { describe, expect, it } from 'vitest';
import { AuthError } from '../../errors.js';
import type { KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import { ConsentCandidates, confirmationEmailsAhead } from '../consent/consent-candidates.js';
import { runSubscriptionStep, type SubscriptionStep } from './subscription-step.js';
import type { ConsentScan } from '../scan/scan-segment.js';
import { RowLedger } from '../rejects/row-ledger.js';

const DOUBLE: KlaviyoList = { id: 'Y6nRLr', name: 'Newsletter', optInProcess: 'double_opt_in' };
const SCAN: ConsentScan = {
  mapping: { emailColumn: 'opt_in' },
  consenting: 3,
  notConsenting: { count: 1, lines: [5] },
  smsWithoutPhone: { count: 0, lines: [] },
};

function candidates(): ConsentCandidates {
  const all = new ConsentCandidates();
  all.push({ line: 2, email: 'a@example.com', channels: { email: true, sms: false } });
  all.push({ line: 3, email: 'b@example.com', channels: { email: true, sms: false }, consentedAtMs: Date.parse('2024-01-01T00:00:00Z') });
  all.push({ line: 4, email: 'c@example.com', channels: { email: true, sms: false } });
  return all;
}

function step(client: SubscriptionStep['client'], shouldRun = true): SubscriptionStep {
  return {
    client,
    list: DOUBLE,
    request: { channels: ['email'] },
    scan: SCAN,
    candidates: candidates(),
    shouldRun,
    ledger: new RowLedger(),
  };
}

describe('runSubscriptionStep', () => {
  it('subscribes, and counts the confirmation emails of a double opt-in list (rows without a consent time)', async () => {
    const client: SubscriptionStep['client'] = {
      lookupProfileConsent: async () => [],
      createSubscriptionJob: async () => ({ kind: 'accepted' }),
    };
    const { summary, error } = await runSubscriptionStep(step(client));
    expect(error).toBeUndefined();
    expect(summary).toMatchObject({
      optInProcess: 'double_opt_in',
      consenting: 3,
      subscribed: { email: 3, sms: 0 },
      historicalImport: 1,
      confirmationEmails: 2,
      notConsenting: { count: 1, lines: [5] },
      notSubscribed: { count: 0 },
      stoppedBy: null,
      requests: { lookups: 1, subscribe: 2 },
    });
  });

  it('reports every consenting row as not subscribed when the import did not get that far, sending nothing', async () => {
    const client: SubscriptionStep['client'] = {
      lookupProfileConsent: async () => expect.unreachable(),
      createSubscriptionJob: async () => expect.unreachable(),
    };
    const { summary } = await runSubscriptionStep(step(client, false));
    expect(summary).toMatchObject({ subscribed: { email: 0 }, notSubscribed: { count: 3, lines: [2, 3, 4] }, stoppedBy: null });
  });

  it('ends with the summary and the error when the key lacks subscriptions:write', async () => {
    const refusal = new AuthError('Klaviyo refused subscribing profiles (403): the API key lacks the scope subscriptions:write.');
    const client: SubscriptionStep['client'] = {
      lookupProfileConsent: async () => [],
      createSubscriptionJob: async () => {
        throw refusal;
      },
    };
    const { summary, error } = await runSubscriptionStep(step(client));
    expect(error).toBe(refusal);
    expect(summary).toMatchObject({ stoppedBy: refusal.message, notSubscribed: { count: 3 }, subscribed: { email: 0 } });
  });
});

describe('confirmationEmailsAhead', () => {
  it('counts email consents without a consent time on a double opt-in list only', () => {
    expect(confirmationEmailsAhead(DOUBLE, candidates())).toBe(2);
    expect(confirmationEmailsAhead({ ...DOUBLE, optInProcess: 'single_opt_in' }, candidates())).toBe(0);
  });
});
