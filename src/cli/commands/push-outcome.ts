import type { StagedBatch } from '../../export/batch-stager.js';
import type { DeliveryResult } from '../../export/deliver-batches.js';
import type { DeliveryJournal } from '../../export/delivery-journal.js';
import type { ScanResult } from '../../export/scan-segment.js';
import { plural } from '../../report/render-summary-text.js';
import type { RunOutcome, RunSummary } from '../../report/run-summary.js';
import type { LogFields } from '../run-log.js';

/** How a push names what it did and what is left: pure helpers of the push command. */

export function outcomeOf(
  scan: ScanResult,
  result: DeliveryResult,
  stop: 'signal' | 'deadline' | undefined,
  isWaiting: boolean,
): RunOutcome {
  if (stop === 'deadline') return 'deadline';
  if (stop === 'signal') return 'interrupted';
  if (!isWaiting) return result.notDelivered + result.refused === 0 ? 'submitted' : 'partially-delivered';
  if (result.refused === 0 && result.notDelivered === 0 && result.unconfirmed === 0) return 'delivered';
  return result.imported === 0 && scan.validProfiles > 0 ? 'not-delivered' : 'partially-delivered';
}

export interface RemainingWork {
  requestsToSend: number;
  profilesToSend: number;
  jobsToFollow: number;
  requestsConfirmed: number;
}

/** What is left to do, once an earlier run's checkpoint is taken into account. */
export function remainingWork(batches: readonly StagedBatch[], journal: DeliveryJournal): RemainingWork {
  const work: RemainingWork = { requestsToSend: 0, profilesToSend: 0, jobsToFollow: 0, requestsConfirmed: 0 };
  for (const batch of batches) {
    if (journal.confirmedBatch(batch.index)) work.requestsConfirmed += 1;
    else if (journal.submittedJob(batch.index) !== undefined) work.jobsToFollow += 1;
    else {
      work.requestsToSend += 1;
      work.profilesToSend += batch.profiles;
    }
  }
  return work;
}

export function describeWork(work: RemainingWork, listId: string): string {
  const sending = `Sending ${plural(work.profilesToSend, 'profile')} in ${plural(work.requestsToSend, 'request')} to list ${listId}`;
  const earlier: string[] = [];
  if (work.jobsToFollow > 0) earlier.push(`following up ${plural(work.jobsToFollow, 'job')} accepted earlier`);
  if (work.requestsConfirmed > 0) earlier.push(`${plural(work.requestsConfirmed, 'request')} already confirmed`);
  return `${sending}${earlier.length > 0 ? ` (${earlier.join(', ')})` : ''}...`;
}

/** The counts a log shipper wants from the final event: no personal data. */
export function doneFields(summary: RunSummary): LogFields {
  const delivery = summary.delivery;
  return {
    outcome: summary.outcome,
    rows: summary.rows.read,
    valid: summary.rows.valid,
    rejected: summary.rows.rejected,
    duplicates: summary.rows.duplicates,
    sent: delivery?.sent,
    imported: delivery?.imported,
    refused: delivery?.refused,
    notDelivered: delivery?.notDelivered.count,
    unconfirmed: delivery?.unconfirmed,
    requests: delivery?.requests,
    retries: delivery?.retries,
    throttled: delivery?.throttled,
    elapsedMs: summary.timings.totalMs,
  };
}
