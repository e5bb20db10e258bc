import {
  PROFILE_RESOURCE_HEAD,
  PROFILE_RESOURCE_SEPARATOR,
  PROFILE_RESOURCE_TAIL,
  type ProfileImportEnvelope,
} from '../../klaviyo/profile-import-payload.js';
import type { BatchLimits } from './batch-limits.js';
import { PROFILE_RESOURCE_HEAD_BYTES, PROFILE_RESOURCE_TAIL_BYTES } from './profile-size.js';

/** A bulk-import request's worth of profiles. */
export interface PlannedBatch {
  /** 0-based, in file order across the whole run. */
  readonly index: number;
  /** 0-based export this batch belongs to. */
  readonly exportIndex: number;
  readonly profiles: number;
  /** Source line of each profile, in request order (Klaviyo's pointers index into it). */
  readonly lines: Uint32Array;
  /** JSON files: the 0-based array element of each profile, in request order. */
  readonly elements?: Uint32Array;
  /** Exact byte length of the request body. */
  readonly bodyBytes: number;
  /**
   * The request body, when the planner writes bodies. The planner reuses its memory: use or copy
   * it before the next batch is completed.
   */
  readonly body: Buffer | undefined;
}

export interface BatchPlannerOptions {
  /** Write each request body (push); without it only counts and sizes are kept (validate). */
  readonly writeBodies: boolean;
}

const SEPARATOR_BYTES = Buffer.byteLength(PROFILE_RESOURCE_SEPARATOR);

/**
 * Groups profiles, in file order, into exports of at most `maxProfilesPerExport` profiles and each
 * export into requests of at most `maxProfilesPerRequest` profiles and `maxRequestBytes` of body.
 * Bodies are written straight into two buffers outside the JavaScript heap, used in turn (one
 * holds the completed batch while the next fills): a million profile strings kept alive until
 * their batch is full would cost the garbage collector seconds.
 */
export class BatchPlanner {
  readonly #limits: BatchLimits;
  readonly #envelope: ProfileImportEnvelope;
  readonly #tailBytes: number;
  readonly #buffers: readonly [Buffer, Buffer] | undefined;
  #body: Buffer | undefined;
  readonly #lines: Uint32Array;
  readonly #elements: Uint32Array;
  #hasElements = false;
  #profiles = 0;
  #bodyBytes: number;
  #batchIndex = 0;
  #exportIndex = 0;
  #profilesInExport = 0;

  constructor(envelope: ProfileImportEnvelope, limits: BatchLimits, options: BatchPlannerOptions = { writeBodies: false }) {
    this.#limits = limits;
    this.#envelope = envelope;
    this.#tailBytes = Buffer.byteLength(envelope.tail);
    this.#buffers = options.writeBodies
      ? [Buffer.allocUnsafe(limits.maxRequestBytes), Buffer.allocUnsafe(limits.maxRequestBytes)]
      : undefined;
    this.#body = this.#buffers?.[0];
    this.#lines = new Uint32Array(limits.maxProfilesPerRequest);
    this.#elements = new Uint32Array(limits.maxProfilesPerRequest);
    this.#bodyBytes = this.#startBody();
  }

  /**
   * Adds one profile, its attributes JSON wrapped as a resource object of `resourceBytes` (see
   * profileResourceBytes); returns the batch it completed, if any (the profile then starts the next).
   */
  add(attributesJson: string, resourceBytes: number, line: number, element?: number): PlannedBatch | undefined {
    let completed: PlannedBatch | undefined;
    if (this.#profiles > 0) {
      const isRequestFull =
        this.#profiles >= this.#limits.maxProfilesPerRequest ||
        this.#bodyBytes + SEPARATOR_BYTES + resourceBytes + this.#tailBytes > this.#limits.maxRequestBytes;
      if (isRequestFull || this.#profilesInExport >= this.#limits.maxProfilesPerExport) completed = this.#closeBatch();
    }
    if (this.#profilesInExport >= this.#limits.maxProfilesPerExport) {
      this.#exportIndex += 1;
      this.#profilesInExport = 0;
    }
    if (this.#profiles > 0) this.#bodyBytes = this.#write(PROFILE_RESOURCE_SEPARATOR, this.#bodyBytes, SEPARATOR_BYTES);
    const attributesAt = this.#write(PROFILE_RESOURCE_HEAD, this.#bodyBytes, PROFILE_RESOURCE_HEAD_BYTES);
    const tailAt = this.#write(attributesJson, attributesAt, resourceBytes - PROFILE_RESOURCE_HEAD_BYTES - PROFILE_RESOURCE_TAIL_BYTES);
    this.#bodyBytes = this.#write(PROFILE_RESOURCE_TAIL, tailAt, PROFILE_RESOURCE_TAIL_BYTES);
    this.#lines[this.#profiles] = line;
    if (element !== undefined) {
      this.#elements[this.#profiles] = element;
      this.#hasElements = true;
    }
    this.#profiles += 1;
    this.#profilesInExport += 1;
    return completed;
  }

  /** Closes the last, partial batch. */
  finish(): PlannedBatch | undefined {
    return this.#profiles === 0 ? undefined : this.#closeBatch();
  }

  get batchCount(): number {
    return this.#batchIndex;
  }

  get exportCount(): number {
    return this.#batchIndex === 0 && this.#profiles === 0 ? 0 : this.#exportIndex + 1;
  }

  #startBody(): number {
    return this.#write(this.#envelope.head, 0, Buffer.byteLength(this.#envelope.head));
  }

  /** Appends text of known byte length at `offset`; returns the new length. */
  #write(text: string, offset: number, bytes: number): number {
    this.#body?.write(text, offset, 'utf8');
    return offset + bytes;
  }

  #closeBatch(): PlannedBatch {
    const bodyBytes = this.#write(this.#envelope.tail, this.#bodyBytes, this.#tailBytes);
    const batch: PlannedBatch = {
      index: this.#batchIndex,
      exportIndex: this.#exportIndex,
      profiles: this.#profiles,
      lines: this.#lines.slice(0, this.#profiles),
      ...(this.#hasElements ? { elements: this.#elements.slice(0, this.#profiles) } : {}),
      bodyBytes,
      body: this.#body?.subarray(0, bodyBytes),
    };
    this.#batchIndex += 1;
    this.#profiles = 0;
    this.#body = this.#buffers?.[this.#batchIndex % 2];
    this.#bodyBytes = this.#startBody();
    return batch;
  }
}
