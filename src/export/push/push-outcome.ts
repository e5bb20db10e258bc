import type { RunOutcome } from '../../report/run-summary.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import type { DeliveryJournal } from '../../state/delivery-journal.js';
import type { DeliveryResult } from '../delivery/delivery-types.js';
import type { RemainingWork } from '../events/push-events.js';

/** What a delivery amounts to: pure rules of the push. */
export function outcomeOf(
  validProfiles: number,
  result: DeliveryResult,
  stop: 'signal' | 'deadline' | undefined,
  isWaiting: boolean,
): RunOutcome {
  if (stop === 'deadline') return 'deadline';
  if (stop === 'signal') return 'interrupted';
  if (!isWaiting) return result.notDelivered + result.refused === 0 ? 'submitted' : 'partially-delivered';
  if (result.refused === 0 && result.notDelivered === 0 && result.unconfirmed === 0) return 'delivered';
  return result.imported === 0 && validProfiles > 0 ? 'not-delivered' : 'partially-delivered';
}

/** What is left to do, once an earlier run's checkpoint is taken into account. */
export function remainingWork(batches: readonly StagedBatch[], journal: DeliveryJournal): RemainingWork {
  let requestsToSend = 0;
  let profilesToSend = 0;
  let jobsToFollow = 0;
  let requestsConfirmed = 0;
  for (const batch of batches) {
    if (journal.confirmedBatch(batch.index)) requestsConfirmed += 1;
    else if (journal.submittedJob(batch.index) !== undefined) jobsToFollow += 1;
    else {
      requestsToSend += 1;
      profilesToSend += batch.profiles;
    }
  }
  return { requestsToSend, profilesToSend, jobsToFollow, requestsConfirmed };
}

/**
 * Keep the checkpoint while running the same push again can still deliver or confirm something
 * (after --no-wait, the next run follows the jobs up instead of sending them again).
 */
export function isCheckpointDone(result: DeliveryResult, isStopped: boolean): boolean {
  return !isStopped && result.notDelivered === 0 && result.unconfirmed === 0;
}
