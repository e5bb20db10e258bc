import { emptyLineList, type LineList, type SubscriptionSummary } from '../../report/run-summary.js';
import type { KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import type { SubscribeChannel } from '../../mapping/consent-mapping.js';
import type { ConsentOutcomes } from '../rejects/row-ledger.js';
import type { ConsentScan } from '../scan/scan-segment.js';
import type { SubscribeResult } from './subscribe-consenting.js';

export interface SubscriptionContext {
  readonly channels: readonly SubscribeChannel[];
  readonly optInProcess: KlaviyoList['optInProcess'];
  readonly scan: ConsentScan;
  /** undefined when the subscribe step did not run (the import did not complete, the run stopped). */
  readonly result: SubscribeResult | undefined;
  /** The consenting rows the step did not subscribe, as the row ledger holds them. */
  readonly outcomes: ConsentOutcomes;
  readonly stoppedBy?: string;
}

export function summarizeSubscription(context: SubscriptionContext): SubscriptionSummary {
  const { result, scan, outcomes } = context;
  return {
    channels: [...context.channels],
    optInProcess: context.optInProcess ?? null,
    consenting: scan.consenting,
    notConsenting: sorted(scan.notConsenting),
    smsWithoutPhone: sorted(scan.smsWithoutPhone),
    subscribed: result?.subscribed ?? { email: 0, sms: 0 },
    historicalImport: result?.historicalImport ?? 0,
    confirmationEmails: context.optInProcess === 'double_opt_in' ? (result?.emailWithoutConsentTime ?? 0) : 0,
    keptOptedOut: outcomes.keptOptedOut,
    keptOptedOutCount: outcomes.keptOptedOutCount,
    resubscribed: sorted(result?.resubscribed ?? emptyLineList()),
    refusedByKlaviyo: outcomes.refusedByKlaviyo,
    refused: outcomes.refused,
    notSubscribed: sorted(outcomes.notSubscribed),
    stoppedBy: context.stoppedBy ?? null,
    requests: { lookups: result?.lookups ?? 0, subscribe: result?.subscribeRequests ?? 0 },
    skippedUnchanged: result?.skippedUnchanged ?? 0,
    interrupted:
      result === undefined || result.uncertain.found === 0
        ? null
        : {
            uncertain: result.uncertain.found,
            subscribedAlready: result.uncertain.subscribedAlready,
            resent: result.uncertain.resent,
            notResent: sorted(outcomes.uncertain),
          },
  };
}

/** A consent step that left consenting rows unsubscribed (refused, failed, stopped) is not a full success. */
export function isSubscriptionComplete(summary: SubscriptionSummary | null): boolean {
  return summary === null || (summary.refused === 0 && summary.notSubscribed.count === 0 && summary.stoppedBy === null);
}

function sorted(list: LineList): LineList {
  const ascending = (a: number, b: number) => a - b;
  return { ...list, lines: [...list.lines].sort(ascending), ...(list.elements ? { elements: [...list.elements].sort(ascending) } : {}) };
}
