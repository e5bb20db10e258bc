/** What a finished batch left behind, enough to report it again when a run resumes. No personal data. */
export interface ConfirmedBatchRecord {
  readonly jobId: string;
  readonly imported: number;
  /** Profiles Klaviyo refused, by their 0-based position in the staged batch. */
  readonly refusals: readonly {
    readonly position: number;
    readonly reason: string;
    readonly description: string;
    readonly detail: string;
  }[];
  /** Refused profiles Klaviyo did not name (failed_count beyond the import errors it listed). */
  readonly unexplained: number;
  /** Import errors of the job that match no profile sent in it (reported with the job id). */
  readonly unattributed?: number;
}

/**
 * Where delivery records its progress so that a crashed run can resume: implemented by the
 * checkpoint file; a run without one uses the in-memory journal.
 */
export interface DeliveryJournal {
  confirmedBatch(batchIndex: number): ConfirmedBatchRecord | undefined;
  submittedJob(batchIndex: number): string | undefined;
  recordSubmitted(batchIndex: number, jobId: string): Promise<void>;
  recordConfirmed(batchIndex: number, record: ConfirmedBatchRecord): Promise<void>;
}

export class MemoryJournal implements DeliveryJournal {
  readonly #confirmed = new Map<number, ConfirmedBatchRecord>();
  readonly #submitted = new Map<number, string>();

  confirmedBatch(batchIndex: number): ConfirmedBatchRecord | undefined {
    return this.#confirmed.get(batchIndex);
  }

  submittedJob(batchIndex: number): string | undefined {
    return this.#submitted.get(batchIndex);
  }

  recordSubmitted(batchIndex: number, jobId: string): Promise<void> {
    this.#submitted.set(batchIndex, jobId);
    return Promise.resolve();
  }

  recordConfirmed(batchIndex: number, record: ConfirmedBatchRecord): Promise<void> {
    this.#submitted.delete(batchIndex);
    this.#confirmed.set(batchIndex, record);
    return Promise.resolve();
  }
}
