import type { ImportJob, KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import type { ProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import type { RequestBody } from '../batches/batch-contents.js';
import type { StagedBatch } from '../batches/batch-stager.js';
import type { DeliveryJournal } from '../../state/delivery-journal.js';
import type { JobWatcher } from './job-watcher.js';

/** The contract of deliverBatches, apart from it so that its helpers (confirm-batch) need not import it. */

/** One profile that did not make it, for the rejects file and the report. */
export interface UndeliveredProfile {
  readonly line: number;
  /** JSON files: the 0-based array element. */
  readonly element?: number;
  readonly reason: string;
  /** Generic, no personal data: goes to the console and the report. */
  readonly description: string;
  /** Klaviyo's own words, may name the value: rejects file only. */
  readonly detail: string;
  readonly attributes: Record<string, unknown> | undefined;
  readonly kind: 'refused' | 'not-delivered';
}

export interface DeliveryEvents {
  onUndelivered(profile: UndeliveredProfile): void;
  /** `batch.profiles` is the number of profiles in the accepted request (a batch may be sent in parts). */
  onAccepted?(batch: StagedBatch, job: ImportJob): void;
  onFinished?(batch: StagedBatch, job: ImportJob): void;
  /** A profile sent in a job that was not followed to its end (--no-wait, a stop, a failed poll). */
  onUnconfirmed?(line: number, jobId: string, element: number | undefined): void;
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
  /** A cancelled job applied nothing: its batch is submitted again, this many times at most. */
  readonly maxResubmits: number;
  /** Soft stop: no new request starts once aborted. */
  readonly signal?: AbortSignal;
  readonly events: DeliveryEvents;
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
  refused: number;
  /** Of `refused`: profiles a finished job counted as failed or did not account for, without naming them. */
  refusedWithoutDetail: number;
  notDelivered: number;
  unconfirmed: number;
  resubmittedJobs: number;
  resumedBatches: number;
  jobs: DeliveredJob[];
  /** Import errors that match no profile sent in their job, by job: counted, never dropped. */
  unattributed: { jobId: string; count: number }[];
  /** Set when a local failure (disk, staged body, checkpoint) stopped the delivery: one sentence. */
  stoppedBy?: string;
}
