/** The public contract of the local fake Klaviyo (`startSandbox`). */

export interface SandboxKey {
  key: string;
  /** 'all' has every scope; e.g. ['lists:read', 'profiles:read'] is a read-only key. */
  scopes: 'all' | string[];
}

export interface SandboxFaults {
  /** Seed of the PRNG behind every fault decision: the same seed and request order give the same faults. */
  seed?: number;
  /** Share of requests answered 500/502/503 (502 as a CDN's HTML page), before anything is applied. */
  serverErrorRate?: number;
  /** Share of requests whose socket is destroyed before the server applies them. */
  dropBeforeRate?: number;
  /** Share of requests applied (a job created) whose socket is then destroyed without a response. */
  dropAfterRate?: number;
  /** Added latency per request, with +/- 25% jitter from the PRNG. */
  latencyMs?: number;
  /** Share of import jobs that end 'cancelled', applying nothing. */
  cancelJobRate?: number;
  /** Profiles whose email matches are refused while the job runs (they appear in import-errors). */
  refuseEmailPattern?: RegExp;
  /** Every authenticated API request gets 429 with `Retry-After: 1`. */
  throttleAll?: boolean;
  /**
   * Share of API requests answered by the "CDN" instead of the API: 403, `text/html`, header
   * `cf-mitigated: challenge` (Klaviyo's edge sends these to some hosts), before anything is applied.
   */
  cdnChallengeRate?: number;
  /** Emails (any case) Klaviyo refuses; how is `refuseEmailsAs`. */
  refuseEmails?: readonly string[];
  /**
   * How `refuseEmails` are refused: a bulk-import 400 whose errors name the `first` of them in the
   * request, `all` of them, or `none` (one error whose pointer is only `/data`); or `import-errors`:
   * the request is accepted and they appear in the job's import errors. Default `all`.
   */
  refuseEmailsAs?: RefuseEmailsAs;
  /** `data`: import errors' `source.pointer` is only `/data` (the spec's example), naming no profile. */
  importErrorPointer?: 'profile' | 'data';
  /** `none`: import errors' `original_payload` is null (the spec allows it), so only the pointer is left. */
  importErrorPayload?: 'sent' | 'none';
  /** A status the spec does not name, reported instead of `queued` and `processing` until a job is final. */
  unknownJobStatus?: string;
}

export type RefuseEmailsAs = 'first' | 'all' | 'none' | 'import-errors';

export interface SandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** Default: one key with every scope, `pk_sandbox_0000000000000000000000000000`. */
  keys?: SandboxKey[];
  /** Default: Newsletter (Y6nRLr) and VIP customers (XyZ123). */
  lists?: { id: string; name: string }[];
  /** Default 'Sandbox Store'. */
  accountName?: string;
  /** Default 'klaviyo': each operation's burst (1 s) and steady (60 s) windows from the spec. */
  rateLimits?: 'klaviyo' | 'off';
  /** Default { queuedMs: 200, profilesPerSecond: 50_000 }. */
  jobProcessing?: { queuedMs: number; profilesPerSecond: number };
  faults?: SandboxFaults;
  /** The one revision accepted. Default '2026-07-15'. */
  revision?: string;
}

export interface SandboxStats {
  /** Requests received per operation id (throttled and faulted ones included). */
  requests: Record<string, number>;
  throttled: number;
  faultsInjected: number;
  jobsCreated: number;
  jobsCancelled: number;
  /** Profiles in accepted import jobs (before any is refused while processing). */
  profilesReceived: number;
}

export interface SandboxHandle {
  /** e.g. 'http://127.0.0.1:43123' */
  url: string;
  /** Closes the server, every socket and timer: nothing is left running. */
  close(): Promise<void>;
  /** Lower-cased emails of the list's members (empty for an unknown list). */
  listMemberEmails(listId: string): string[];
  profileCount(): number;
  stats(): SandboxStats;
}

export const DEFAULT_SANDBOX_KEY = 'pk_sandbox_0000000000000000000000000000';
export const DEFAULT_SANDBOX_LISTS = [
  { id: 'Y6nRLr', name: 'Newsletter' },
  { id: 'XyZ123', name: 'VIP customers' },
] as const;
export const DEFAULT_REVISION = '2026-07-15';
