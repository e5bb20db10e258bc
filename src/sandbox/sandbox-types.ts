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
  /** Emails (any case) the subscribe endpoint refuses: its 400 names each of them by pointer, or see below. */
  refuseSubscribeEmails?: readonly string[];
  /** `none`: the subscribe 400 for `refuseSubscribeEmails` is one error whose pointer is only `/data`. Default `all`. */
  refuseSubscribeEmailsAs?: 'all' | 'none';
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
  /**
   * A kill point: called with the count of subscribe requests applied so far, after the sandbox
   * applied one (202) and before it answers. A test can SIGKILL the CLI there: Klaviyo has acted on
   * the request, the CLI never learns it.
   */
  onSubscribeApplied?: (applied: number) => void;
}

export type RefuseEmailsAs = 'first' | 'all' | 'none' | 'import-errors';

export interface SandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** Default: one key with every scope, `pk_sandbox_0000000000000000000000000000`. */
  keys?: SandboxKey[];
  /** Default: Newsletter (Y6nRLr) and VIP customers (XyZ123), single opt-in. */
  lists?: { id: string; name: string; optInProcess?: 'double_opt_in' | 'single_opt_in' }[];
  /** Profiles that exist before the first request, with their consent (e.g. already unsubscribed). */
  profiles?: SandboxSeedProfile[];
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

/** A profile as it stands in the account before a test runs. Times are ISO 8601. */
export interface SandboxSeedProfile {
  email: string;
  phoneNumber?: string;
  /** Default NEVER_SUBSCRIBED. */
  emailConsent?: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';
  emailConsentAt?: string;
  /** Global email suppressions, or with `listId` a suppression from that list only. */
  suppressions?: readonly {
    reason: 'HARD_BOUNCE' | 'INVALID_EMAIL' | 'SPAM_COMPLAINT' | 'UNSUBSCRIBE' | 'USER_SUPPRESSED';
    at: string;
    listId?: string;
  }[];
  smsConsent?: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';
  smsConsentAt?: string;
  /** Lists the profile is already a member of. */
  listIds?: readonly string[];
}

/** A profile's consent as the sandbox holds it, for tests' assertions. Times are ISO 8601. */
export interface SandboxProfileConsent {
  email: { consent: string; consentAt: string | null; suppressions: { reason: string; at: string; listId?: string }[] };
  sms: { consent: string; consentAt: string | null };
  /** Lists whose double opt-in confirmation email the profile was sent and has not answered. */
  pendingConfirmationListIds: string[];
  /** How often the subscribe endpoint subscribed the profile, per channel, and emailed it a confirmation request. */
  counters: { subscriptions: { email: number; sms: number }; confirmationEmails: number };
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
  /** Profiles in accepted subscribe requests (bulk_subscribe_profiles). */
  profilesSubscribeRequested: number;
  /** Double opt-in confirmation emails the subscribe endpoint sent. */
  confirmationEmailsSent: number;
  /** Profiles the subscribe endpoint subscribed more than once on one channel. */
  profilesSubscribedTwice: number;
  /** Profiles sent more than one double opt-in confirmation email. */
  profilesConfirmationEmailedTwice: number;
}

export interface SandboxHandle {
  /** e.g. 'http://127.0.0.1:43123' */
  url: string;
  /** Closes the server, every socket and timer: nothing is left running. */
  close(): Promise<void>;
  /** Lower-cased emails of the list's members (empty for an unknown list). */
  listMemberEmails(listId: string): string[];
  profileCount(): number;
  /** The consent of the profile with this email (case-insensitive); undefined when there is no such profile. */
  profileConsent(email: string): SandboxProfileConsent | undefined;
  /** The attributes stored for the profile with this email (case-insensitive), as imports merged them; a copy. */
  profileAttributes(email: string): Record<string, unknown> | undefined;
  stats(): SandboxStats;
}

export const DEFAULT_SANDBOX_KEY = 'pk_sandbox_0000000000000000000000000000';
export const DEFAULT_SANDBOX_LISTS = [
  { id: 'Y6nRLr', name: 'Newsletter' },
  { id: 'XyZ123', name: 'VIP customers' },
] as const;
export const DEFAULT_REVISION = '2026-07-15';
