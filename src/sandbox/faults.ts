import { mulberry32 } from '../prng.js';
import type { RefuseEmailsAs, SandboxFaults } from './sandbox-types.js';

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

  /** Refused by the subscribe endpoint (a 400 naming the profile). */
  isRefusedSubscription(email: string): boolean {
    const refused = this.#faults.refuseSubscribeEmails ?? [];
    return refused.some((candidate) => candidate.trim().toLowerCase() === email.trim().toLowerCase());
  }

  /** How the subscribe endpoint's 400 tells `refuseSubscribeEmails`: naming `all` of them, or `none`. */
  get refuseSubscribeEmailsAs(): 'all' | 'none' {
    return this.#faults.refuseSubscribeEmailsAs ?? 'all';
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
