import { readFile, rm } from 'node:fs/promises';
import type { ConfirmedBatchRecord, DeliveryJournal } from './delivery-journal.js';
import { UsageError } from '../errors.js';
import { isErrorCode, removeLeftoverTempFiles, writeFileAtomic } from './atomic-file.js';
import { parseCheckpoint, serializeCheckpoint, type CheckpointState } from './checkpoint-content.js';
import type { RunFingerprint } from './run-fingerprint.js';
import { stateFilePath } from './state-file-name.js';

export function checkpointPath(stateDir: string, listId: string): string {
  return stateFilePath(stateDir, listId, '.checkpoint.json');
}

export type CheckpointLoad =
  | { kind: 'none' }
  | { kind: 'resumable'; journal: CheckpointJournal; confirmed: number; submitted: number }
  /** `reason` completes "The checkpoint is not used because ...". */
  | { kind: 'mismatch'; reason: string };

export interface CheckpointOptions {
  readonly now?: () => Date;
}

/** Looks for an interrupted run's checkpoint at `path`; an unusable one is a mismatch, never an exception. */
export async function loadCheckpoint(path: string, fingerprint: RunFingerprint, options: CheckpointOptions = {}): Promise<CheckpointLoad> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { kind: 'none' };
    return { kind: 'mismatch', reason: `the checkpoint is unreadable (${describeFsError(error)})` };
  }
  const parsed = parseCheckpoint(text, fingerprint);
  if (parsed.kind === 'mismatch') return parsed;
  const journal = new CheckpointJournal(path, fingerprint, parsed.state, options);
  return { kind: 'resumable', journal, confirmed: parsed.state.confirmed.size, submitted: parsed.state.submitted.size };
}

/**
 * A DeliveryJournal that survives a crash: every record is written to the checkpoint file before
 * its promise resolves. Records made while a write is under way share the next write.
 */
export class CheckpointJournal implements DeliveryJournal {
  readonly path: string;
  readonly #fingerprint: RunFingerprint;
  readonly #state: CheckpointState;
  readonly #now: () => Date;
  /** Settles when the last scheduled write has ended (either way). */
  #writesDone: Promise<void> = Promise.resolve();
  /** A write that has not started yet: it will include every record made before it starts. */
  #nextWrite: Promise<void> | undefined;

  /** A fresh checkpoint; it replaces any old file at `path` on its first write. */
  static create(path: string, fingerprint: RunFingerprint, options: CheckpointOptions = {}): CheckpointJournal {
    const now = options.now ?? (() => new Date());
    return new CheckpointJournal(
      path,
      fingerprint,
      { createdAt: now().toISOString(), confirmed: new Map(), submitted: new Map() },
      { now },
    );
  }

  /** Use `create` or `loadCheckpoint`. */
  constructor(path: string, fingerprint: RunFingerprint, state: CheckpointState, options: CheckpointOptions = {}) {
    this.path = path;
    this.#fingerprint = fingerprint;
    this.#state = state;
    this.#now = options.now ?? (() => new Date());
  }

  confirmedBatch(batchIndex: number): ConfirmedBatchRecord | undefined {
    return this.#state.confirmed.get(batchIndex);
  }

  submittedJob(batchIndex: number): string | undefined {
    return this.#state.submitted.get(batchIndex);
  }

  recordSubmitted(batchIndex: number, jobId: string): Promise<void> {
    this.#state.submitted.set(batchIndex, jobId);
    return this.#scheduleWrite();
  }

  recordConfirmed(batchIndex: number, record: ConfirmedBatchRecord): Promise<void> {
    this.#state.submitted.delete(batchIndex);
    this.#state.confirmed.set(batchIndex, record);
    return this.#scheduleWrite();
  }

  /** A finished run leaves no checkpoint behind (nor a killed run's half-written copy): waits for pending writes, then deletes. */
  async remove(): Promise<void> {
    await this.#writesDone;
    try {
      await rm(this.path, { force: true });
      await removeLeftoverTempFiles(this.path);
    } catch (error) {
      throw new UsageError(`Cannot remove the checkpoint ${this.path}: ${describeFsError(error)}.`, { cause: error });
    }
  }

  #scheduleWrite(): Promise<void> {
    if (this.#nextWrite) return this.#nextWrite;
    const write = this.#writesDone.then(() => {
      // From here on, new records need a later write: this one has taken its snapshot.
      this.#nextWrite = undefined;
      return this.#writeNow();
    });
    this.#nextWrite = write;
    this.#writesDone = write.catch(() => undefined);
    return write;
  }

  async #writeNow(): Promise<void> {
    const text = serializeCheckpoint(this.#fingerprint, this.#state, this.#now().toISOString());
    try {
      await writeFileAtomic(this.path, text);
    } catch (error) {
      throw new UsageError(`Cannot write the checkpoint ${this.path}: ${describeFsError(error)}. Choose a writable --state-dir.`, {
        cause: error,
      });
    }
  }
}

function describeFsError(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
