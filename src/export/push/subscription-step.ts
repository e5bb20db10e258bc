import { AuthError } from '../../errors.js';
import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import type { ConsentRequest, SubscribeChannel } from '../../mapping/consent-mapping.js';
import { addLine, emptyLineList, type SubscriptionSummary } from '../../report/run-summary.js';
import type { ConsentScan } from '../scan/scan-segment.js';
import { subscribeConsenting, type RefusedSubscription, type SubscribeResult } from '../consent/subscribe-consenting.js';
import type { SubscribeCandidate } from '../scan/subscribe-candidate.js';
import { summarizeSubscription } from '../consent/summarize-subscription.js';
import type { ConsentCandidates } from '../consent/consent-candidates.js';

/** Chunks of 1,000 rows in flight at once: enough that lookups (75/s, 750/min) never wait on a round trip. */
export const SUBSCRIBE_CONCURRENCY = 6;

/** `--subscribe` and what goes with it, as values. */
export interface SubscribeRequest {
  readonly channels: readonly SubscribeChannel[];
  readonly emailConsentColumn?: string;
  readonly smsConsentColumn?: string;
  readonly consentedAtColumn?: string;
  /** Subscribe rows whose consent time is later than their recorded opt-out. */
  readonly resubscribe?: boolean;
}

/** The scan's view of the request. */
export function consentRequestOf(request: SubscribeRequest): ConsentRequest {
  return {
    subscribe: request.channels,
    ...(request.emailConsentColumn === undefined ? {} : { emailConsentColumn: request.emailConsentColumn }),
    ...(request.smsConsentColumn === undefined ? {} : { smsConsentColumn: request.smsConsentColumn }),
    ...(request.consentedAtColumn === undefined ? {} : { consentedAtColumn: request.consentedAtColumn }),
  };
}

export interface SubscriptionStep {
  readonly client: Pick<KlaviyoClient, 'lookupProfileConsent' | 'createSubscriptionJob'>;
  readonly list: KlaviyoList;
  readonly request: SubscribeRequest;
  readonly scan: ConsentScan;
  readonly candidates: ConsentCandidates;
  /** false: the import did not get that far (stopped, declined...): nobody is subscribed. */
  readonly shouldRun: boolean;
  readonly signal?: AbortSignal;
  readonly onRefused?: (refused: RefusedSubscription) => void;
  readonly onProgress?: (done: number) => void;
}

/**
 * Runs the consent step after the import and sums it up. A missing subscriptions:write stops it at
 * the first subscribe request: the summary then says so (`stoppedBy`) and `error` is the AuthError
 * for the caller to end the run with (exit 3), once the import's outcome is reported.
 */
export async function runSubscriptionStep(step: SubscriptionStep): Promise<{ summary: SubscriptionSummary; error?: AuthError }> {
  const consentingLines = emptyLineList();
  for (const candidate of step.candidates) addLine(consentingLines, candidate.line, candidate.element);
  const base = { channels: step.request.channels, optInProcess: step.list.optInProcess, scan: step.scan, consentingLines };
  if (!step.shouldRun || step.candidates.size === 0) return { summary: summarizeSubscription({ ...base, result: undefined }) };
  let result: SubscribeResult;
  try {
    result = await subscribeConsenting(step.candidates, {
      client: step.client,
      listId: step.list.id,
      channels: step.request.channels,
      allowResubscribe: step.request.resubscribe ?? false,
      concurrency: SUBSCRIBE_CONCURRENCY,
      ...(step.signal ? { signal: step.signal } : {}),
      ...(step.onRefused ? { onRefused: step.onRefused } : {}),
      ...(step.onProgress ? { onProgress: step.onProgress } : {}),
    });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    return { summary: summarizeSubscription({ ...base, result: undefined, stoppedBy: error.message }), error };
  }
  return { summary: summarizeSubscription({ ...base, result }) };
}

/** How many people a double opt-in list will email, before anything is sent: an upper bound. */
export function confirmationEmailsAhead(list: KlaviyoList, candidates: Iterable<SubscribeCandidate>): number {
  if (list.optInProcess !== 'double_opt_in') return 0;
  let count = 0;
  for (const candidate of candidates) if (candidate.channels.email && candidate.consentedAtMs === undefined) count += 1;
  return count;
}
