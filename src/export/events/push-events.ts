import type { ImportJob } from '../../klaviyo/klaviyo-client.js';
import type { RejectKindCounts } from '../../report/rejects-written.js';
import type { MappingSummary } from '../../report/run-summary.js';

/**
 * What a push tells while it runs, in order, as plain data: counts, ids and paths, never an email
 * address or the key. The CLI renders them (text lines, JSON lines, a live progress line).
 */
export type PushEvent =
  | { readonly type: 'preflight'; readonly listId: string }
  | { readonly type: 'preflight-ok'; readonly listId: string; readonly listName: string }
  /** `file` is the path as given, or `<stdin>`. */
  | { readonly type: 'read'; readonly file: string; readonly isStdin: boolean }
  | { readonly type: 'read-progress'; readonly rows: number }
  /** A choice the user should know about (an email column found by its values), one sentence. */
  | { readonly type: 'notice'; readonly message: string }
  /** Once the file is read, before the first write: which columns go to which field or property, with their types. */
  | { readonly type: 'mapping'; readonly mapping: MappingSummary }
  | {
      readonly type: 'read-done';
      readonly rows: number;
      readonly valid: number;
      readonly rejected: number;
      readonly duplicates: number;
      readonly batches: number;
    }
  | { readonly type: 'checkpoint-restart'; readonly checkpoint: string }
  | { readonly type: 'checkpoint-resume'; readonly checkpoint: string; readonly confirmed: number; readonly submitted: number }
  | { readonly type: 'checkpoint-mismatch'; readonly checkpoint: string; readonly reason: string }
  | ({ readonly type: 'send'; readonly listId: string } & RemainingWork)
  /** A request Klaviyo accepted (202) as an import job. */
  | { readonly type: 'accepted'; readonly batch: number; readonly batches: number; readonly jobId: string; readonly profiles: number }
  /** A poll of an import job. */
  | {
      readonly type: 'job';
      readonly jobId: string;
      readonly status: ImportJob['status'];
      readonly completed: number;
      readonly failed: number;
    }
  /** A job reported a status Klaviyo does not document; it is still followed. */
  | { readonly type: 'job-status-unknown'; readonly jobId: string; readonly status: string }
  /** A job finished and its import errors were read. */
  | { readonly type: 'confirmed'; readonly jobId: string; readonly imported: number }
  /** A request is tried again in `delayMs` after `reason` (an HTTP status, a network error code). */
  | { readonly type: 'retry'; readonly operation: string; readonly attempt: number; readonly reason: string; readonly delayMs: number }
  /** Klaviyo answered 429: every request of the operation waits `retryAfterMs`. */
  | { readonly type: 'throttled'; readonly operation: string; readonly retryAfterMs: number }
  /** Klaviyo's published rate limit for the operation holds a request this long (a second or more). */
  | { readonly type: 'paced'; readonly operation: string; readonly waitMs: number }
  /** One HTTP request and its answer (`status` undefined: no answer, `errorCode` says why). */
  | {
      readonly type: 'request';
      readonly operation: string;
      readonly status: number | undefined;
      readonly ms: number;
      readonly errorCode?: string | undefined;
    }
  /** The run was asked to stop (signal or deadline): no new request starts. */
  | { readonly type: 'stopping'; readonly reason: string }
  /** `byKind`: the rows as the summary counts them (rejected, not delivered, not yet confirmed...). */
  | { readonly type: 'rejects-written'; readonly path: string; readonly rows: number; readonly byKind: RejectKindCounts }
  /** Before the first write, on a double opt-in list with --subscribe: at most this many confirmation emails. */
  | { readonly type: 'double-opt-in'; readonly listId: string; readonly listName: string; readonly confirmationEmails: number }
  /** The consent step starts: the consenting rows are looked up, then subscribed. */
  | { readonly type: 'subscribe'; readonly consenting: number }
  | { readonly type: 'subscribe-progress'; readonly done: number; readonly total: number }
  | {
      readonly type: 'subscribe-done';
      readonly subscribed: number;
      readonly keptOptedOut: number;
      readonly refused: number;
      readonly notSubscribed: number;
      readonly isComplete: boolean;
    }
  /** --mirror-source list: about to read the list's members (`members` undefined when Klaviyo gives no count). */
  | { readonly type: 'list-read'; readonly listId: string; readonly members: number | undefined; readonly estimateMs: number }
  | { readonly type: 'list-read-progress'; readonly members: number }
  | { readonly type: 'list-read-done'; readonly members: number; readonly withoutEmail: number }
  /** --mirror / --changed-only: the file compared with the sync state (or the list), before anything is sent. */
  | {
      readonly type: 'sync-plan';
      readonly added: number;
      readonly updated: number;
      /** The same email and attributes as the last confirmed run; `skipped` of them are not sent. */
      readonly unchanged: number;
      readonly skipped: number;
      readonly removals: number;
      readonly knownMembers: number;
    }
  /** --mirror without an earlier sync state: nothing is removed this time. */
  | { readonly type: 'mirror-no-state'; readonly message: string }
  /** --mirror, but not every valid profile was confirmed: nothing is removed. */
  | { readonly type: 'mirror-skipped'; readonly reason: string }
  | { readonly type: 'remove'; readonly listId: string; readonly profiles: number }
  /** A removal (or lookup) request ended. */
  | { readonly type: 'removed'; readonly done: number; readonly total: number }
  | {
      readonly type: 'remove-done';
      readonly removed: number;
      readonly failed: number;
      readonly notAttempted: number;
      readonly firstFailure: string | undefined;
    };

export type PushEventType = PushEvent['type'];

/** What is left to do, once an earlier run's checkpoint is taken into account. */
export interface RemainingWork {
  readonly requestsToSend: number;
  readonly profilesToSend: number;
  readonly jobsToFollow: number;
  readonly requestsConfirmed: number;
}
