import { PROFILE_RESOURCE_SEPARATOR, type ProfileImportEnvelope } from '../klaviyo/profile-import-payload.js';
import type { BatchLimits } from './batch-limits.js';

/** A bulk-import request's worth of profiles, already serialised. */
export interface PlannedBatch {
  /** 0-based, in file order across the whole run. */
  readonly index: number;
  /** 0-based export this batch belongs to. */
  readonly exportIndex: number;
  readonly resources: readonly string[];
  /** Source line of each profile, in the order of `resources` (Klaviyo's pointers index into it). */
  readonly lines: Uint32Array;
  /** Exact byte length of the request body. */
  readonly bodyBytes: number;
}

/**
 * Groups profiles, in file order, into exports of at most `maxProfilesPerExport` profiles and each
 * export into requests of at most `maxProfilesPerRequest` profiles and `maxRequestBytes` of body.
 * Pure: the caller decides what to do with each batch (stage it on disk, count it for a plan).
 */
export class BatchPlanner {
  readonly #limits: BatchLimits;
  readonly #envelopeBytes: number;
  #resources: string[] = [];
  #lines: number[] = [];
  #bodyBytes: number;
  #batchIndex = 0;
  #exportIndex = 0;
  #profilesInExport = 0;

  constructor(envelope: ProfileImportEnvelope, limits: BatchLimits) {
    this.#limits = limits;
    this.#envelopeBytes = Buffer.byteLength(envelope.head) + Buffer.byteLength(envelope.tail);
    this.#bodyBytes = this.#envelopeBytes;
  }

  /** Largest profile resource that fits a request on its own. */
  get maxResourceBytes(): number {
    return this.#limits.maxRequestBytes - this.#envelopeBytes;
  }

  /** Adds one profile; returns the batch it completed, if any (the profile then starts the next). */
  add(resource: string, resourceBytes: number, line: number): PlannedBatch | undefined {
    let completed: PlannedBatch | undefined;
    const separatorBytes = this.#resources.length === 0 ? 0 : PROFILE_RESOURCE_SEPARATOR.length;
    const isRequestFull =
      this.#resources.length >= this.#limits.maxProfilesPerRequest ||
      this.#bodyBytes + separatorBytes + resourceBytes > this.#limits.maxRequestBytes;
    if (this.#resources.length > 0 && (isRequestFull || this.#profilesInExport >= this.#limits.maxProfilesPerExport)) {
      completed = this.#closeBatch();
    }
    if (this.#profilesInExport >= this.#limits.maxProfilesPerExport) {
      this.#exportIndex += 1;
      this.#profilesInExport = 0;
    }
    this.#bodyBytes += (this.#resources.length === 0 ? 0 : PROFILE_RESOURCE_SEPARATOR.length) + resourceBytes;
    this.#resources.push(resource);
    this.#lines.push(line);
    this.#profilesInExport += 1;
    return completed;
  }

  /** Closes the last, partial batch. */
  finish(): PlannedBatch | undefined {
    return this.#resources.length === 0 ? undefined : this.#closeBatch();
  }

  get batchCount(): number {
    return this.#batchIndex;
  }

  get exportCount(): number {
    return this.#batchIndex === 0 && this.#resources.length === 0 ? 0 : this.#exportIndex + 1;
  }

  #closeBatch(): PlannedBatch {
    const batch: PlannedBatch = {
      index: this.#batchIndex,
      exportIndex: this.#exportIndex,
      resources: this.#resources,
      lines: Uint32Array.from(this.#lines),
      bodyBytes: this.#bodyBytes,
    };
    this.#batchIndex += 1;
    this.#resources = [];
    this.#lines = [];
    this.#bodyBytes = this.#envelopeBytes;
    return batch;
  }
}
