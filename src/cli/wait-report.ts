import { OPERATIONS, type Operation } from '../klaviyo/operations.js';
import { DEFAULT_RETRY_POLICY } from '../klaviyo/retry-policy.js';
import { formatCount, plural } from '../report/text-format.js';

/** What the HTTP client waits for: its own pacing, a 429's Retry-After, a retry's backoff. */
export type WaitEvent =
  | { readonly type: 'paced'; readonly operation: string; readonly waitMs: number }
  | { readonly type: 'throttled'; readonly operation: string; readonly retryAfterMs: number }
  | { readonly type: 'retry'; readonly operation: string; readonly attempt: number; readonly reason: string; readonly delayMs: number };

export interface WaitLine {
  readonly event: 'waiting' | 'waiting-for-jobs';
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number>>;
}

export interface WaitReportOptions {
  readonly write: (line: WaitLine) => void;
  readonly now: () => number;
  /** Runs `run` once after `ms`; returns what cancels it. */
  readonly setTimer: (run: () => void, ms: number) => () => void;
  /** Shorter waits for the rate limit are the run's normal pace (retries are always told). */
  readonly minWaitMs?: number;
  /** At most one line about waits this often: the rest is counted into the next one. */
  readonly intervalMs?: number;
  /** Import jobs not final this long (default 5 s) are told, then at most once every `jobIntervalMs` (15 s). */
  readonly jobWaitMs?: number;
  readonly jobIntervalMs?: number;
}

interface PendingGroup {
  readonly kind: WaitEvent['type'];
  readonly operation: string;
  readonly reason: string | undefined;
  count: number;
  longestMs: number;
}

const FINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['complete', 'cancelled']);
const MAX_ATTEMPTS = DEFAULT_RETRY_POLICY.maxRetries + 1;

/**
 * Makes the run's waits visible in plain words, without a line per request in a storm: the first
 * wait after a quiet spell is told at once, those that follow within `intervalMs` are counted and
 * told together once it has passed. Import jobs that stay unfinished are told the same way.
 */
export class WaitReport {
  readonly #options: WaitReportOptions;
  readonly #minWaitMs: number;
  readonly #intervalMs: number;
  #lastWrittenAt = -Infinity;
  #pending = new Map<string, PendingGroup>();
  #cancelTimer: (() => void) | undefined;
  readonly #jobsWaitingSince = new Map<string, { status: string; since: number }>();
  #lastJobLineAt = -Infinity;

  constructor(options: WaitReportOptions) {
    this.#options = options;
    this.#minWaitMs = options.minWaitMs ?? 2_000;
    this.#intervalMs = options.intervalMs ?? 5_000;
  }

  add(event: WaitEvent): void {
    const waitMs = event.type === 'paced' ? event.waitMs : event.type === 'throttled' ? event.retryAfterMs : event.delayMs;
    if (event.type !== 'retry' && waitMs < this.#minWaitMs) return;
    const now = this.#options.now();
    if (this.#pending.size === 0 && now - this.#lastWrittenAt >= this.#intervalMs) {
      this.#write({ event: 'waiting', message: describeWait(event, waitMs), fields: waitFields(event, waitMs) });
      return;
    }
    const reason = event.type === 'retry' ? event.reason : undefined;
    const key = `${event.type}\n${event.operation}\n${reason ?? ''}`;
    const group = this.#pending.get(key) ?? { kind: event.type, operation: event.operation, reason, count: 0, longestMs: 0 };
    group.count += 1;
    group.longestMs = Math.max(group.longestMs, waitMs);
    this.#pending.set(key, group);
    this.#cancelTimer ??= this.#options.setTimer(() => this.#flush(), Math.max(0, this.#lastWrittenAt + this.#intervalMs - now));
  }

  /** A poll of an import job: one still queued or processing is a wait too. */
  jobPolled(jobId: string, status: string): void {
    if (FINAL_JOB_STATUSES.has(status)) {
      this.#jobsWaitingSince.delete(jobId);
      return;
    }
    const now = this.#options.now();
    const since = this.#jobsWaitingSince.get(jobId)?.since ?? now;
    this.#jobsWaitingSince.set(jobId, { status, since });
    const longestMs = now - Math.min(...[...this.#jobsWaitingSince.values()].map((job) => job.since));
    if (longestMs < (this.#options.jobWaitMs ?? 5_000) || now - this.#lastJobLineAt < (this.#options.jobIntervalMs ?? 15_000)) return;
    this.#lastJobLineAt = now;
    const byStatus = new Map<string, number>();
    for (const job of this.#jobsWaitingSince.values()) byStatus.set(job.status, (byStatus.get(job.status) ?? 0) + 1);
    const statuses = [...byStatus].map(([name, count]) => `${formatCount(count)} ${name}`).join(', ');
    const jobs = this.#jobsWaitingSince.size;
    this.#options.write({
      event: 'waiting-for-jobs',
      message: `Waiting for Klaviyo to finish ${plural(jobs, 'import job')} (${statuses}); the longest for ${formatWait(longestMs)}.`,
      fields: { jobs, longestMs },
    });
  }

  jobFinished(jobId: string): void {
    this.#jobsWaitingSince.delete(jobId);
  }

  /** The run is over: what was still to tell is moot. */
  close(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#pending.clear();
  }

  #flush(): void {
    this.#cancelTimer = undefined;
    const groups = [...this.#pending.values()];
    this.#pending.clear();
    if (groups.length === 0) return;
    const requests = groups.reduce((sum, group) => sum + group.count, 0);
    const longestMs = Math.max(...groups.map((group) => group.longestMs));
    this.#write({ event: 'waiting', message: `Still waiting: ${groups.map(describeGroup).join('; ')}.`, fields: { requests, longestMs } });
  }

  #write(line: WaitLine): void {
    this.#lastWrittenAt = this.#options.now();
    this.#options.write(line);
  }
}

function describeWait(event: WaitEvent, waitMs: number): string {
  const operation = operationOf(event.operation);
  const purpose = operation?.purpose ?? event.operation;
  switch (event.type) {
    case 'paced': {
      const limits = operation ? ` (${operation.limits.perSecond}/s, ${operation.limits.perMinute}/min)` : '';
      return `Waiting ${formatWait(waitMs)} for Klaviyo's rate limit on ${purpose}${limits}.`;
    }
    case 'throttled':
      return `Klaviyo answered 429 (too many requests) for ${purpose}: waiting ${formatWait(waitMs)}, as its Retry-After asks.`;
    case 'retry':
      return `${capitalize(purpose)} failed (${event.reason}): retrying in ${formatWait(waitMs)} (attempt ${event.attempt + 1} of ${MAX_ATTEMPTS}).`;
  }
}

function describeGroup(group: PendingGroup): string {
  const purpose = operationOf(group.operation)?.purpose ?? group.operation;
  const longest = `up to ${formatWait(group.longestMs)}`;
  switch (group.kind) {
    case 'paced':
      return `${plural(group.count, 'request')} for Klaviyo's rate limit on ${purpose}, ${longest}`;
    case 'throttled':
      return `${plural(group.count, '429 answer')} for ${purpose}, ${longest}`;
    case 'retry':
      return `${formatCount(group.count)} ${group.count === 1 ? 'retry' : 'retries'} of ${purpose} after ${group.reason ?? 'an error'}, ${longest}`;
  }
}

function waitFields(event: WaitEvent, waitMs: number): Record<string, string | number> {
  return { cause: event.type === 'paced' ? 'rate-limit' : event.type, operation: event.operation, waitMs };
}

function operationOf(id: string): Operation | undefined {
  return Object.hasOwn(OPERATIONS, id) ? (OPERATIONS as Record<string, Operation>)[id] : undefined;
}

export function formatWait(ms: number): string {
  if (ms < 950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min${seconds % 60 === 0 ? '' : ` ${seconds % 60} s`}`;
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
