import type { RefuseEmailsAs, SandboxFaults } from './sandbox-types.js';

/** mulberry32: a tiny, fast, seedable PRNG, uniform in [0, 1): the sandbox's faults, and the tests and benchmark files that must be replayable. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type RequestFault =
  { kind: 'none' } | { kind: 'server-error'; status: 500 | 502 | 503 } | { kind: 'drop-before' } | { kind: 'drop-after' };

export interface RequestFaultPlan {
  fault: RequestFault;
  latencyMs: number;
}

const SERVER_ERROR_STATUSES = [500, 502, 503] as const;
const LATENCY_JITTER = 0.25;

/**
 * Decides which requests and jobs misbehave. Each request draws the same number of values from its
 * own stream and each job from another, so the same seed and the same order of requests give the
 * same faults whatever the rates are.
 */
export class FaultInjector {
  readonly #faults: SandboxFaults;
  readonly #requestRandom: () => number;
  readonly #jobRandom: () => number;
  readonly #challengeRandom: () => number;
  readonly #refusedEmails: ReadonlySet<string>;

  constructor(faults: SandboxFaults = {}) {
    this.#faults = faults;
    const seed = faults.seed ?? 1;
    this.#requestRandom = mulberry32(seed);
    this.#jobRandom = mulberry32(seed ^ 0x9e3779b9);
    // Its own stream, so that turning challenges on leaves the other faults of a seed as they were.
    this.#challengeRandom = mulberry32(seed ^ 0x85ebca6b);
    this.#refusedEmails = new Set((faults.refuseEmails ?? []).map((email) => email.trim().toLowerCase()));
  }

  /** This request meets the CDN's challenge page instead of the API. */
  shouldChallenge(): boolean {
    return this.#challengeRandom() < (this.#faults.cdnChallengeRate ?? 0);
  }

  get refuseEmailsAs(): RefuseEmailsAs {
    return this.#faults.refuseEmailsAs ?? 'all';
  }

  /** Refused by the bulk-import request itself (400), not while the job runs. */
  isRefusedAtUpload(email: unknown): boolean {
    return this.refuseEmailsAs !== 'import-errors' && typeof email === 'string' && this.#refusedEmails.has(email.trim().toLowerCase());
  }

  get importErrorPointer(): 'profile' | 'data' {
    return this.#faults.importErrorPointer ?? 'profile';
  }

  get importErrorPayload(): 'sent' | 'none' {
    return this.#faults.importErrorPayload ?? 'sent';
  }

  get unknownJobStatus(): string | undefined {
    return this.#faults.unknownJobStatus;
  }

  planRequest(): RequestFaultPlan {
    const roll = this.#requestRandom();
    const statusRoll = this.#requestRandom();
    const jitterRoll = this.#requestRandom();
    const { serverErrorRate = 0, dropBeforeRate = 0, dropAfterRate = 0, latencyMs = 0 } = this.#faults;
    const latency = latencyMs <= 0 ? 0 : Math.round(latencyMs * (1 + (jitterRoll * 2 - 1) * LATENCY_JITTER));
    let fault: RequestFault = { kind: 'none' };
    if (roll < serverErrorRate) {
      const status = SERVER_ERROR_STATUSES[Math.floor(statusRoll * SERVER_ERROR_STATUSES.length)] ?? 500;
      fault = { kind: 'server-error', status };
    } else if (roll < serverErrorRate + dropBeforeRate) {
      fault = { kind: 'drop-before' };
    } else if (roll < serverErrorRate + dropBeforeRate + dropAfterRate) {
      fault = { kind: 'drop-after' };
    }
    return { fault, latencyMs: latency };
  }

  shouldCancelJob(): boolean {
    return this.#jobRandom() < (this.#faults.cancelJobRate ?? 0);
  }

  /** Refused while the job runs: it appears in the job's import errors. */
  isRefusedEmail(email: string): boolean {
    if (this.refuseEmailsAs === 'import-errors' && this.#refusedEmails.has(email.trim().toLowerCase())) return true;
    const pattern = this.#faults.refuseEmailPattern;
    if (pattern === undefined) return false;
    pattern.lastIndex = 0; // a /g or /y pattern keeps state between test() calls
    return pattern.test(email);
  }

  get isThrottlingAll(): boolean {
    return this.#faults.throttleAll === true;
  }
}
