/**
 * When to try a request again, as data plus one pure function.
 *
 * Retrying `POST /api/profile-bulk-import-jobs` is safe: the import is an upsert keyed by email
 * (and phone / external id), so if a request was accepted but its answer was lost, sending it
 * again only creates a second job that writes the same values.
 */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Exponential backoff with full jitter: random() * min(capDelayMs, baseDelayMs * 2^retry). */
  readonly baseDelayMs: number;
  readonly capDelayMs: number;
  /** A Retry-After longer than this is cut down to it. */
  readonly maxRetryAfterMs: number;
  /** Klaviyo: "an immediate retry after a 429 always gets another 429"; used when Retry-After is missing. */
  readonly minThrottledDelayMs: number;
  readonly retryStatusCodes: readonly number[];
  /**
   * Retry any other 4xx/5xx whose body is not a JSON:API error document: it came from an edge in
   * front of the API (a CDN challenge page, `403 text/html` with `cf-mitigated: challenge`; a
   * proxy's error page), not from Klaviyo's API, so the same request can succeed later.
   */
  readonly retryNonApiErrors: boolean;
  /** Never retried, whoever answers: the same body gets the same answer (too large, wrong media type). */
  readonly permanentStatusCodes: readonly number[];
  /** Network error codes worth retrying, with an optional cap below maxRetries. */
  readonly retryNetworkCodes: Readonly<Record<string, number | undefined>>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 6,
  baseDelayMs: 500,
  capDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  minThrottledDelayMs: 1_000,
  // 400, 401, 403, 404, 413 and 415 are absent on purpose: the same request gets the same answer.
  retryStatusCodes: [408, 429, 500, 502, 503, 504],
  retryNonApiErrors: true,
  permanentStatusCodes: [413, 415],
  retryNetworkCodes: {
    ECONNRESET: undefined, // includes "socket hang up"
    EPIPE: undefined,
    ETIMEDOUT: undefined, // our own per-request timeout
    ECONNABORTED: undefined,
    EAI_AGAIN: undefined, // temporary DNS failure
    // Refused or unknown hosts are most likely a wrong base URL: a couple of tries, not a minute of them.
    ECONNREFUSED: 2,
    ENOTFOUND: 1,
  },
};

export type RequestFailure =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfterMs?: number | undefined;
      /** The body is a JSON:API error document (Klaviyo's API answered), not an edge's page. Default true. */
      readonly isApiError?: boolean;
    }
  | { readonly kind: 'network'; readonly code: string };

export type RetryDecision =
  { readonly retry: false } | { readonly retry: true; readonly delayMs: number; readonly reason: string; readonly isThrottled: boolean };

/**
 * `retriesSoFar` counts the retries already made for this request (0 after the first attempt).
 * `random` returns a number in [0, 1).
 */
export function decideRetry(failure: RequestFailure, retriesSoFar: number, policy: RetryPolicy, random: () => number): RetryDecision {
  if (retriesSoFar >= policy.maxRetries) return { retry: false };
  const backoffMs = Math.floor(random() * Math.min(policy.capDelayMs, policy.baseDelayMs * 2 ** retriesSoFar));

  if (failure.kind === 'network') {
    if (!Object.hasOwn(policy.retryNetworkCodes, failure.code)) return { retry: false };
    const cap = policy.retryNetworkCodes[failure.code];
    if (cap !== undefined && retriesSoFar >= cap) return { retry: false };
    return { retry: true, delayMs: backoffMs, reason: failure.code, isThrottled: false };
  }

  const isListed = policy.retryStatusCodes.includes(failure.status);
  const isFromEdge =
    policy.retryNonApiErrors &&
    failure.isApiError === false &&
    failure.status >= 400 &&
    !policy.permanentStatusCodes.includes(failure.status);
  if (!isListed && !isFromEdge) return { retry: false };
  const isThrottled = failure.status === 429;
  const reason = isListed ? `HTTP ${failure.status}` : `HTTP ${failure.status} (not from Klaviyo's API)`;
  if (failure.retryAfterMs !== undefined) {
    // Retry-After is the server telling us exactly when: no jitter, but capped.
    return { retry: true, delayMs: Math.min(failure.retryAfterMs, policy.maxRetryAfterMs), reason, isThrottled };
  }
  if (isThrottled) {
    return { retry: true, delayMs: Math.max(policy.minThrottledDelayMs, backoffMs), reason, isThrottled };
  }
  return { retry: true, delayMs: backoffMs, reason, isThrottled };
}
