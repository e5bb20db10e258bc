import type { SubscriptionSummary } from './run-summary.js';
import { formatCount, linesSuffix, plural, reasonLine } from './text-format.js';

/** The consent part of the summary a person reads (`--subscribe`). Counts and line numbers only. */
export function renderSubscriptionText(summary: SubscriptionSummary): string[] {
  const out: string[] = [];
  const process = summary.optInProcess === 'double_opt_in' ? '; the list uses double opt-in' : '';
  out.push(`  consent (--subscribe ${summary.channels.join(', ')}${process})`);
  out.push(`    consenting rows      ${formatCount(summary.consenting)}`);
  out.push(
    `    subscribed           ${summary.channels.map((channel) => `${channel} ${formatCount(summary.subscribed[channel])}`).join(', ')}`,
  );
  if (summary.historicalImport > 0) {
    out.push(`      historical import  ${plural(summary.historicalImport, 'row')} with a past consent time (no confirmation email)`);
  }
  if (summary.confirmationEmails > 0) {
    out.push(
      `      confirmation       ${formatCount(summary.confirmationEmails)} emails sent by Klaviyo; each is subscribed once it confirms`,
    );
  }
  out.push(
    `    kept opted out       ${formatCount(summary.keptOptedOutCount)}${summary.keptOptedOutCount > 0 ? ' (Klaviyo reports them unsubscribed or suppressed; not re-subscribed)' : ''}`,
  );
  for (const reason of summary.keptOptedOut) out.push(`      ${reasonLine(reason)}`);
  if (summary.resubscribed.count > 0) {
    out.push(
      `    re-subscribed        ${formatCount(summary.resubscribed.count)}${linesSuffix(summary.resubscribed)} (--resubscribe: consent later than the opt-out)`,
    );
  }
  out.push(`    refused by Klaviyo   ${formatCount(summary.refused)}`);
  for (const reason of summary.refusedByKlaviyo) out.push(`      ${reasonLine(reason)}`);
  out.push(
    `    not consenting       ${formatCount(summary.notConsenting.count)}${linesSuffix(summary.notConsenting)} (added to the list, consent unchanged)`,
  );
  if (summary.smsWithoutPhone.count > 0) {
    out.push(
      `    SMS without phone    ${formatCount(summary.smsWithoutPhone.count)}${linesSuffix(summary.smsWithoutPhone)} (consented to SMS, no valid phone number)`,
    );
  }
  if (summary.notSubscribed.count > 0) {
    out.push(`    not subscribed       ${formatCount(summary.notSubscribed.count)}${linesSuffix(summary.notSubscribed)}`);
  }
  if (summary.skippedUnchanged > 0) {
    out.push(
      `    skipped, unchanged   ${formatCount(summary.skippedUnchanged)} (subscribed by an earlier run with the same consent: not looked up or sent again)`,
    );
  }
  const interrupted = summary.interrupted;
  if (interrupted !== null) {
    out.push(
      `    interrupted run      ${plural(interrupted.uncertain, 'profile')} sent in requests whose answer it never received: ${formatCount(interrupted.subscribedAlready)} found subscribed, ${formatCount(interrupted.resent)} sent again (no second confirmation email possible), ${formatCount(interrupted.notResent.count)} not sent again${linesSuffix(interrupted.notResent)}`,
    );
    if (interrupted.notResent.count > 0) {
      out.push(
        '      not sent again     Klaviyo does not show them subscribed; a double opt-in confirmation may be waiting for them, and a second one is not sent',
      );
    }
  }
  if (summary.stoppedBy !== null) out.push(`    stopped: ${summary.stoppedBy}`);
  out.push(
    `    requests             ${formatCount(summary.requests.lookups)} consent lookups, ${formatCount(summary.requests.subscribe)} subscribe`,
  );
  return out;
}

/**
 * Before the first write on a double opt-in list: Klaviyo emails every profile subscribed without a
 * past consent time, and a person must know that before saying yes. An upper bound: profiles
 * Klaviyo reports as opted out are left out later.
 */
export function describeDoubleOptIn(listName: string, confirmationEmails: number): string {
  const people = `${formatCount(confirmationEmails)} ${confirmationEmails === 1 ? 'person' : 'people'}`;
  return (
    `List "${listName}" uses double opt-in: up to ${people} will each receive a confirmation email ` +
    'from Klaviyo, and are subscribed only once they confirm.'
  );
}
