import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, decideRetry, type RequestFailure } from './retry-policy.js';

const alwaysMax = (): number => 0.999_999;

describe('decideRetry', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(decideRetry({ kind: 'status', status }, 0, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 410, 413, 415])('never retries HTTP %i from the API (a JSON:API error)', (status) => {
    expect(decideRetry({ kind: 'status', status }, 0, DEFAULT_RETRY_POLICY, alwaysMax)).toEqual({ retry: false });
    expect(decideRetry({ kind: 'status', status, isApiError: true }, 0, DEFAULT_RETRY_POLICY, alwaysMax)).toEqual({ retry: false });
  });

  it.each([400, 401, 403, 404, 520])('retries HTTP %i from an edge (no JSON:API error: a CDN page), with backoff', (status) => {
    expect(decideRetry({ kind: 'status', status, isApiError: false }, 2, DEFAULT_RETRY_POLICY, () => 0.5)).toEqual({
      retry: true,
      delayMs: 1_000,
      reason: `HTTP ${status} (not from Klaviyo's API)`,
      isThrottled: false,
    });
  });

  it.each([413, 415])('never retries HTTP %i, whoever answers: the same body gets the same answer', (status) => {
    expect(decideRetry({ kind: 'status', status, isApiError: false }, 0, DEFAULT_RETRY_POLICY, alwaysMax)).toEqual({ retry: false });
  });

  it('gives an edge page up after the same retry budget as any failure', () => {
    const challenge: RequestFailure = { kind: 'status', status: 403, isApiError: false };
    expect(decideRetry(challenge, 5, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(true);
    expect(decideRetry(challenge, 6, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(false);
    expect(decideRetry(challenge, 0, { ...DEFAULT_RETRY_POLICY, retryNonApiErrors: false }, alwaysMax).retry).toBe(false);
  });

  it.each(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED'])('retries network error %s', (code) => {
    expect(decideRetry({ kind: 'network', code }, 3, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(true);
  });

  it('never retries an unknown error code', () => {
    expect(decideRetry({ kind: 'network', code: 'ERR_INVALID_URL' }, 0, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(false);
  });

  it('retries a refused connection only twice: it is most likely a wrong base URL', () => {
    const refused: RequestFailure = { kind: 'network', code: 'ECONNREFUSED' };
    expect(decideRetry(refused, 1, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(true);
    expect(decideRetry(refused, 2, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(false);
  });

  it('stops after maxRetries', () => {
    const failure: RequestFailure = { kind: 'status', status: 503 };
    expect(decideRetry(failure, 5, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(true);
    expect(decideRetry(failure, 6, DEFAULT_RETRY_POLICY, alwaysMax).retry).toBe(false);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const delay = (retriesSoFar: number, random: () => number): number | undefined => {
      const decision = decideRetry({ kind: 'status', status: 500 }, retriesSoFar, { ...DEFAULT_RETRY_POLICY, maxRetries: 20 }, random);
      return decision.retry ? decision.delayMs : undefined;
    };
    expect(delay(0, () => 0.5)).toBe(250);
    expect(delay(3, () => 0.5)).toBe(2_000);
    expect(delay(12, () => 0.5)).toBe(15_000);
    expect(delay(3, () => 0)).toBe(0);
  });

  it('waits exactly the Retry-After of a 429, without jitter, capped at a minute', () => {
    expect(decideRetry({ kind: 'status', status: 429, retryAfterMs: 7_000 }, 0, DEFAULT_RETRY_POLICY, () => 0.1)).toEqual({
      retry: true,
      delayMs: 7_000,
      reason: 'HTTP 429',
      isThrottled: true,
    });
    const long = decideRetry({ kind: 'status', status: 429, retryAfterMs: 3_600_000 }, 0, DEFAULT_RETRY_POLICY, () => 0.1);
    expect(long.retry && long.delayMs).toBe(60_000);
  });

  it('waits at least a second after a 429 without Retry-After', () => {
    const decision = decideRetry({ kind: 'status', status: 429 }, 0, DEFAULT_RETRY_POLICY, () => 0);
    expect(decision.retry && decision.delayMs).toBe(1_000);
  });
});
