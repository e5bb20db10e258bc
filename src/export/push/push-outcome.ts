import type { RunOutcome } from '../../report/run-summary.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import type { DeliveryJournal } from '../../state/delivery-journal.js';
import type { DeliveryOutcomes } from '../rejects/row-ledger.js';
import type { RemainingWork } from '../events/push-events.js';

/** What a delivery amounts to: pure rules of the push. */
export function outcomeOf(
  validProfiles: number,
  imported: number,
  outcomes: Pick<DeliveryOutcomes, 'refused' | 'notDelivered' | 'unconfirmed'>,
  stop: 'signal' | 'deadline' | undefined,
  isWaiting: boolean,
): RunOutcome {
  if (stop === 'deadline') return 'deadline';
  if (stop === 'signal') return 'interrupted';
  const { refused } = outcomes;
  const notDelivered = outcomes.notDelivered.count;
  if (!isWaiting) return notDelivered + refused === 0 ? 'submitted' : 'partially-delivered';
  if (refused === 0 && notDelivered === 0 && outcomes.unconfirmed.count === 0) return 'delivered';
  return imported === 0 && validProfiles > 0 ? 'not-delivered' : 'partially-delivered';
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
export function isCheckpointDone(outcomes: Pick<DeliveryOutcomes, 'notDelivered' | 'unconfirmed'>, isStopped: boolean): boolean {
  return !isStopped && outcomes.notDelivered.count === 0 && outcomes.unconfirmed.count === 0;
}
