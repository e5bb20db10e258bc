import type { AuthError } from '../../errors.js';
import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import type { SubscriptionSummary } from '../../report/run-summary.js';
import { ConsentJournal, consentJournalPath } from '../../state/consent-journal.js';
import type { ConsentScan } from '../scan/scan-segment.js';
import { markNotSent, subscribeConsenting, type SubscribeResult } from '../consent/subscribe-consenting.js';
import { isSubscriptionComplete, summarizeSubscription } from '../consent/summarize-subscription.js';
import type { ConsentCandidates } from '../consent/consent-candidates.js';
import type { SubscribeRequest } from '../plan/push-request.js';
import type { RowLedger } from '../rejects/row-ledger.js';
import type { PushRun } from './push-run.js';
import type { SegmentRead } from './read-segment.js';

/** Chunks of 1,000 rows in flight at once: enough that lookups (75/s, 750/min) never wait on a round trip. */
export const SUBSCRIBE_CONCURRENCY = 6;

export interface SubscriptionStep {
  readonly client: Pick<KlaviyoClient, 'lookupProfileConsent' | 'createSubscriptionJob'>;
  readonly list: KlaviyoList;
  readonly request: SubscribeRequest;
  readonly scan: ConsentScan;
  readonly candidates: ConsentCandidates;
  /** false: the import did not get that far (stopped, declined...): nobody is subscribed. */
  readonly shouldRun: boolean;
  readonly ledger: RowLedger;
  /** Where the list's consent journal lives; without it the journal is kept in memory only. */
  readonly stateDir?: string;
  /** `--changed-only`: profiles any earlier run subscribed with the same consent are skipped. */
  readonly changedOnly?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number) => void;
}

/**
 * Runs the consent step after the import and sums it up; every consenting row it does not
 * subscribe is in the ledger. A missing subscriptions:write stops it at the first subscribe
 * request: the summary then says so (`stoppedBy`) and `error` is the AuthError for the caller to
 * end the run with (exit 3), once the import's outcome is reported.
 */
export async function runSubscriptionStep(step: SubscriptionStep): Promise<{ summary: SubscriptionSummary; error?: AuthError }> {
  const summarize = (result: SubscribeResult | undefined) =>
    summarizeSubscription({
      channels: step.request.channels,
      optInProcess: step.list.optInProcess,
      scan: step.scan,
      result,
      outcomes: step.ledger.consentOutcomes(),
      ...(result?.stoppedBy === undefined ? {} : { stoppedBy: result.stoppedBy.message }),
    });
  if (!step.shouldRun || step.candidates.size === 0) {
    markNotSent(step.candidates, step);
    return { summary: summarize(undefined) };
  }
  // Read before the first request: a damaged journal stops the step with nobody sent.
  const journal =
    step.stateDir === undefined
      ? ConsentJournal.inMemory(step.list.id)
      : await ConsentJournal.open(consentJournalPath(step.stateDir, step.list.id), step.list.id);
  const result = await subscribeConsenting(step.candidates, {
    journal,
    changedOnly: step.changedOnly ?? false,
    optInProcess: step.list.optInProcess,
    client: step.client,
    listId: step.list.id,
    channels: step.request.channels,
    allowResubscribe: step.request.resubscribe ?? false,
    concurrency: SUBSCRIBE_CONCURRENCY,
    ledger: step.ledger,
    ...(step.signal ? { signal: step.signal } : {}),
    ...(step.onProgress ? { onProgress: step.onProgress } : {}),
  });
  return { summary: summarize(result), ...(result.stoppedBy === undefined ? {} : { error: result.stoppedBy }) };
}

/** The consent phase of a push: absent without --subscribe; with it, the step's summary, run or not. */
export async function runConsentPhase(run: PushRun, read: SegmentRead, shouldRun: boolean): Promise<SubscriptionSummary | undefined> {
  const { plan, emit } = run;
  const consentScan = read.scan.consent;
  if (plan.subscribe === undefined || consentScan === undefined) return undefined;
  const { candidates } = read;
  const isRunning = shouldRun && candidates.size > 0;
  if (isRunning) emit({ type: 'subscribe', consenting: candidates.size });
  const { summary } = await runSubscriptionStep({
    client: run.client,
    list: run.list,
    request: plan.subscribe.request,
    scan: consentScan,
    candidates,
    shouldRun,
    ledger: run.ledger,
    stateDir: plan.stateDir,
    changedOnly: plan.sync?.changedOnly ?? false,
    signal: run.stops.soft,
    onProgress: (done) => emit({ type: 'subscribe-progress', done, total: candidates.size }),
  });
  if (isRunning) {
    emit({
      type: 'subscribe-done',
      subscribed: summary.subscribed.email + summary.subscribed.sms,
      keptOptedOut: summary.keptOptedOutCount,
      refused: summary.refused,
      notSubscribed: summary.notSubscribed.count,
      isComplete: isSubscriptionComplete(summary),
    });
  }
  return summary;
}
