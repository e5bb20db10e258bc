import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError, UsageError } from '../../errors.js';
import type { PlannedBatch } from './batch-planner.js';

/** A batch whose request body waits on disk: parsing happens once, uploading reads it back. */
export interface StagedBatch {
  readonly index: number;
  readonly exportIndex: number;
  readonly profiles: number;
  readonly bodyBytes: number;
  readonly lines: Uint32Array;
  /** JSON files: the 0-based array element of each profile. */
  readonly elements?: Uint32Array;
  readonly path: string;
}

/**
 * Keeps request bodies in a private directory while the file is read, so that memory does not
 * grow with the file and nothing is sent before the whole file has been checked. The bodies hold
 * personal data: the directory is removed when the run ends, and one left by a killed run is
 * emptied by the next (the caller gives each list its own directory, under the run's lock).
 */
export class BatchStager {
  readonly #directory: string;
  readonly #batches: StagedBatch[] = [];

  private constructor(directory: string) {
    this.#directory = directory;
  }

  static async create(directory: string): Promise<BatchStager> {
    try {
      await rm(directory, { recursive: true, force: true });
      // Its parent, the state directory, exists: the run holds its lock there.
      await mkdir(directory, { mode: 0o700 });
    } catch (error) {
      throw cannotStage(directory, error);
    }
    return new BatchStager(directory);
  }

  get batches(): readonly StagedBatch[] {
    return this.#batches;
  }

  async stage(batch: PlannedBatch): Promise<void> {
    const path = join(this.#directory, `batch-${String(batch.index).padStart(6, '0')}.json`);
    if (!batch.body) throw new InternalError('A batch to stage has no body: the planner was not asked to write bodies.');
    // Before the first upload: a full disk stops the run with nothing sent (the caller disposes of what was staged).
    await writeFile(path, batch.body, { mode: 0o600 }).catch((error: unknown) => {
      throw cannotStage(this.#directory, error);
    });
    this.#batches.push({
      index: batch.index,
      exportIndex: batch.exportIndex,
      profiles: batch.profiles,
      bodyBytes: batch.bodyBytes,
      lines: batch.lines,
      ...(batch.elements ? { elements: batch.elements } : {}),
      path,
    });
  }

  /** The body as bytes: it goes to the wire as it is, and a 2 MB string would only wait for a full GC. */
  readBody(batch: StagedBatch): Promise<Buffer> {
    return readFile(batch.path);
  }

  async dispose(): Promise<void> {
    await rm(this.#directory, { recursive: true, force: true });
  }
}

function cannotStage(directory: string, error: unknown): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new UsageError(
    `Cannot keep the request bodies in the state directory (${directory}: ${code}); free space or choose another --state-dir. Nothing was sent.`,
    { cause: error },
  );
}
