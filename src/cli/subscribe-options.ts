import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { SubscribeRequest } from '../export/plan/push-request.js';
import { parseSubscribeChannels } from '../mapping/consent-mapping.js';
import type { SubscriptionSummary } from '../report/run-summary.js';
import { collect } from './option-parsers.js';

/** `push --subscribe` and its consent columns (docs/consent.md). */
export interface SubscribeCommandOptions {
  subscribe?: string[];
  emailConsentColumn?: string;
  smsConsentColumn?: string;
  consentedAtColumn?: string;
  resubscribe?: boolean;
}

export function addSubscribeOptions(command: Command): Command {
  return command
    .option(
      '--subscribe <channel>',
      "after the import, subscribe rows whose consent column says yes: email, sms, or both (repeatable, or email,sms); without it nobody's consent changes",
      collect,
    )
    .option('--email-consent-column <column>', 'the column saying whether each row consented to email marketing (yes/no, true/false, 1/0)')
    .option('--sms-consent-column <column>', 'the column saying whether each row consented to SMS marketing')
    .option('--consented-at-column <column>', 'when each row consented; a past time subscribes without a confirmation email')
    .option('--resubscribe', 'subscribe a row Klaviyo reports as opted out only if its consent time is later than the opt-out');
}

/** undefined without --subscribe (a consent column alone is refused by the scan, with exit 2). */
export function subscribeRequestOf(options: SubscribeCommandOptions): SubscribeRequest | undefined {
  const channels = parseSubscribeChannels(options.subscribe ?? []);
  const hasConsentOption =
    options.emailConsentColumn !== undefined ||
    options.smsConsentColumn !== undefined ||
    options.consentedAtColumn !== undefined ||
    options.resubscribe === true;
  if (channels.length === 0 && !hasConsentOption) return undefined;
  if (channels.length === 0 && options.resubscribe) {
    throw new UsageError('--resubscribe is only used with --subscribe; add --subscribe email or --subscribe sms, or leave it out.');
  }
  return {
    channels,
    ...(options.emailConsentColumn === undefined ? {} : { emailConsentColumn: options.emailConsentColumn }),
    ...(options.smsConsentColumn === undefined ? {} : { smsConsentColumn: options.smsConsentColumn }),
    ...(options.consentedAtColumn === undefined ? {} : { consentedAtColumn: options.consentedAtColumn }),
    ...(options.resubscribe ? { resubscribe: true } : {}),
  };
}

/** The `done` log event's consent counts (absent without --subscribe). */
export function subscriptionDoneFields(summary: SubscriptionSummary | null): Record<string, number | undefined> {
  if (summary === null) return {};
  return {
    consenting: summary.consenting,
    subscribed: summary.subscribed.email + summary.subscribed.sms,
    subscribedEmail: summary.subscribed.email,
    subscribedSms: summary.subscribed.sms,
    keptOptedOut: summary.keptOptedOutCount,
    subscribeRefused: summary.refused,
    notConsenting: summary.notConsenting.count,
    notSubscribed: summary.notSubscribed.count,
    confirmationEmails: summary.confirmationEmails,
  };
}

export { isSubscriptionComplete } from '../export/consent/summarize-subscription.js';
