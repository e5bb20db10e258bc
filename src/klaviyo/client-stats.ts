import type { OperationId } from './operations.js';

export type ClientEvent =
  | { type: 'request'; operation: OperationId; status: number | undefined; ms: number; errorCode?: string }
  | { type: 'retry'; operation: OperationId; attempt: number; delayMs: number; reason: string }
  | { type: 'throttled'; operation: OperationId; retryAfterMs: number }
  /** The client's own pacing (the published rate limit) holds a request this long, at least PACED_EVENT_MIN_MS. */
  | { type: 'paced'; operation: OperationId; waitMs: number };

export interface OperationStats {
  requests: number;
  retries: number;
  throttled: number;
}

export interface ClientStats extends OperationStats {
  byOperation: Record<string, OperationStats>;
}

/** Counts what the client did, per operation; `snapshot()` returns a copy the caller may keep. */
export class StatsRecorder {
  readonly #byOperation = new Map<OperationId, OperationStats>();

  record(event: ClientEvent): void {
    if (event.type === 'paced') return;
    const stats = this.#byOperation.get(event.operation) ?? { requests: 0, retries: 0, throttled: 0 };
    if (event.type === 'request') stats.requests += 1;
    if (event.type === 'retry') stats.retries += 1;
    if (event.type === 'throttled') stats.throttled += 1;
    this.#byOperation.set(event.operation, stats);
  }

  snapshot(): ClientStats {
    const total: ClientStats = { requests: 0, retries: 0, throttled: 0, byOperation: {} };
    for (const [operation, stats] of this.#byOperation) {
      total.byOperation[operation] = { ...stats };
      total.requests += stats.requests;
      total.retries += stats.retries;
      total.throttled += stats.throttled;
    }
    return total;
  }
}
