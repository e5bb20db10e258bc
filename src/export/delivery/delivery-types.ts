import type { ImportJob, KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import type { ProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import type { RequestBody } from '../batches/batch-contents.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import type { DeliveryJournal } from '../../state/delivery-journal.js';
import type { JobWatcher } from './job-watcher.js';
import type { RowLedger } from '../rejects/row-ledger.js';
import type { ResubmitLimits } from './resubmit-policy.js';

/** The contract of deliverBatches, apart from it so that its helpers (confirm-batch) need not import it. */

/** Progress of the requests; rows' outcomes go to the ledger. */
export interface DeliveryEvents {
  /** `batch.profiles` is the number of profiles in the accepted request (a batch may be sent in parts). */
  onAccepted?(batch: StagedBatch, job: ImportJob): void;
  onFinished?(batch: StagedBatch, job: ImportJob): void;
}

export interface DeliverOptions {
  readonly client: Pick<KlaviyoClient, 'createProfileImportJob' | 'listImportErrors'>;
  readonly batches: readonly StagedBatch[];
  readonly readBody: (batch: StagedBatch) => Promise<RequestBody>;
  readonly envelope: ProfileImportEnvelope;
  readonly watcher: JobWatcher;
  readonly journal: DeliveryJournal;
  /** Follow each job to its end (false: --no-wait). */
  readonly wait: boolean;
  /** Requests in flight at once; the client's rate limiter paces them. */
  readonly concurrency: number;
  /** A cancelled job applied nothing: its batch is submitted again within these limits (resubmit-policy). */
  readonly resubmits: ResubmitLimits;
  /** The pauses before resubmitting, their clock and their jitter: injected, so tests need no real time. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  /** Soft stop: no new request starts once aborted. */
  readonly signal?: AbortSignal;
  readonly events: DeliveryEvents;
  /** Where each profile that is not imported is recorded: refused, not delivered, or unconfirmed. */
  readonly ledger: RowLedger;
}

export interface DeliveredJob {
  readonly batch: number;
  readonly exportIndex: number;
  readonly profiles: number;
  readonly job: ImportJob;
}

export interface DeliveryResult {
  /** Profiles in requests Klaviyo accepted (202): accepted is not imported. */
  accepted: number;
  imported: number;
  resubmittedJobs: number;
  resumedBatches: number;
  jobs: DeliveredJob[];
  /** Import errors that match no profile sent in their job, by job: counted, never dropped. */
  unattributed: { jobId: string; count: number }[];
  /** Set when a local failure (disk, staged body, checkpoint) stopped the delivery: one sentence. */
  stoppedBy?: string;
}
