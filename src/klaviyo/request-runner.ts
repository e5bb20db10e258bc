import { isApiErrorDocument, toNetworkError } from './api-errors.js';
import type { ClientEvent } from './client-stats.js';
import type { HttpResponse, HttpTransport, NetworkFailure } from './http-transport.js';
import { OPERATIONS, type OperationId } from './operations.js';
import type { RateLimiter } from './rate-limiter.js';
import { parseRetryAfter } from './retry-after.js';
import { decideRetry, type RequestFailure, type RetryPolicy } from './retry-policy.js';

/** Shorter waits for the rate limit are the normal pace of a run: not worth an event. */
export const PACED_EVENT_MIN_MS = 1_000;

export interface RequestRunnerOptions {
  readonly transport: HttpTransport;
  readonly limiters: Readonly<Record<OperationId, RateLimiter>>;
  readonly policy: RetryPolicy;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly signal?: AbortSignal | undefined;
  readonly emit: (event: ClientEvent) => void;
}

export interface OperationRequest {
  readonly operation: OperationId;
  readonly pathAndQuery: string;
  readonly body?: string | Uint8Array;
}

export interface FinalResponse extends HttpResponse {
  readonly attempts: number;
}

export type RunRequest = (request: OperationRequest) => Promise<FinalResponse>;

/**
 * Sends one operation's request: waits for its rate limiter, retries what the policy says to
 * retry, and returns the last answer whatever its status (the caller decides what it means).
 * Throws when the server could not be reached after the retries, and with the signal's reason on abort.
 */
export function createRequestRunner(options: RequestRunnerOptions): RunRequest {
  const { transport, limiters, policy, now, sleep, random, signal, emit } = options;

  return async ({ operation, pathAndQuery, body }) => {
    const { method } = OPERATIONS[operation];
    const limiter = limiters[operation];
    const onWait = (waitMs: number) => {
      if (waitMs >= PACED_EVENT_MIN_MS) emit({ type: 'paced', operation, waitMs });
    };
    for (let attempt = 1; ; attempt += 1) {
      const releaseSlot = await limiter.acquire(signal, onWait);
      const startedAt = now();
      const outcome = await transport(body === undefined ? { method, pathAndQuery } : { method, pathAndQuery, body }).finally(releaseSlot);
      const ms = now() - startedAt;
      emit(
        outcome.kind === 'response'
          ? { type: 'request', operation, status: outcome.status, ms }
          : { type: 'request', operation, status: undefined, ms, errorCode: outcome.code },
      );

      const failure = toRequestFailure(outcome, now());
      const decision = failure ? decideRetry(failure, attempt - 1, policy, random) : { retry: false as const };
      if (!decision.retry) {
        if (outcome.kind === 'response') return { ...outcome, attempts: attempt };
        throw toNetworkError({ operation, method, path: pathOf(pathAndQuery), attempts: attempt }, outcome.code);
      }

      emit({ type: 'retry', operation, attempt, delayMs: decision.delayMs, reason: decision.reason });
      if (decision.isThrottled) {
        // Every caller of this operation waits out the Retry-After, not only this one.
        emit({ type: 'throttled', operation, retryAfterMs: decision.delayMs });
        limiter.pause(decision.delayMs, signal);
      } else {
        await sleep(decision.delayMs, signal);
      }
    }
  };
}

function toRequestFailure(outcome: HttpResponse | NetworkFailure, nowMs: number): RequestFailure | undefined {
  if (outcome.kind === 'network') return outcome;
  if (outcome.status < 400) return undefined;
  return {
    kind: 'status',
    status: outcome.status,
    retryAfterMs: parseRetryAfter(outcome.retryAfter, nowMs),
    isApiError: isApiErrorDocument(outcome.bodyText),
  };
}

/** The path without its query string, for messages. */
export function pathOf(pathAndQuery: string): string {
  const queryStart = pathAndQuery.indexOf('?');
  return queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
}
