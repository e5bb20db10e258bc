import type { KlaviyoConnection } from '../../klaviyo/connection.js';
import type { SubscribeChannel } from '../../mapping/consent-mapping.js';
import type { MaxRemovals } from '../sync/sync-plan.js';
import type { MirrorSource } from '../sync/sync-session.js';
import type { PushEvent } from '../events/push-events.js';
import type { SegmentRequest } from './segment-request.js';

/** `--subscribe` and what goes with it, as values. */
export interface SubscribeRequest {
  readonly channels: readonly SubscribeChannel[];
  readonly emailConsentColumn?: string;
  readonly smsConsentColumn?: string;
  readonly consentedAtColumn?: string;
  /** Subscribe rows whose consent time is later than their recorded opt-out. */
  readonly resubscribe?: boolean;
}

/** Everything a push needs, as values: nothing is read from the environment or the process. */
export interface PushRequest extends SegmentRequest {
  /** The Klaviyo list id the profiles are added to. */
  readonly listId: string;
  readonly connection: KlaviyoConnection;
  /** Where the checkpoint and the staged request bodies (personal data) live; created with mode 0700. */
  readonly stateDir: string;
  /** Follow each import job to its end (default true); false submits and reports the job ids. */
  readonly wait?: boolean;
  /** Ignore an earlier run's checkpoint. */
  readonly restart?: boolean;
  /** Overall deadline: then the run stops like `signal` and its outcome is `deadline`. */
  readonly timeoutMs?: number;
  /** How long to follow one import job; then its profiles stay unconfirmed (default: no limit). */
  readonly jobTimeoutMs?: number;
  /** Cut requests in flight at once (after `signal`, they otherwise get 15 s to end). */
  readonly hardSignal?: AbortSignal;
  /**
   * After the import, subscribe the rows whose consent column says yes, except those Klaviyo reports
   * as opted out. Absent: nobody's consent changes.
   */
  readonly subscribe?: SubscribeRequest;
  /**
   * Once every valid profile is confirmed, remove from the list the members that are not in the
   * file: those an earlier run put there (`'state'`, the sync state), or every member with an
   * email (`'list'`, for lists fed only by this tool). Keeps a sync state in `stateDir`.
   */
  readonly mirror?: MirrorSource;
  /** Send only the profiles new or changed since the last confirmed run (keeps a sync state). */
  readonly changedOnly?: boolean;
  /** The most a mirror run may remove (default 10% of the list's known members); more refuses the run. */
  readonly maxRemovals?: MaxRemovals;
}

/** What a push asks before its first write, when the caller supplies `confirm`. */
export interface PushConfirmation {
  readonly listId: string;
  readonly listName: string;
  /** undefined when the key may not read the account. */
  readonly accountName: string | undefined;
  readonly profiles: number;
  /** A double opt-in list with --subscribe: at most this many people get a confirmation email (0 otherwise). */
  readonly confirmationEmails: number;
  /** Members `mirror` will remove once the profiles are delivered. */
  readonly removals: number;
  /** With `mirror` or `changedOnly`: how the file compares with the last confirmed run (`unchanged` are not sent with `changedOnly`). */
  readonly changes?: { readonly added: number; readonly updated: number; readonly unchanged: number; readonly skipped: number };
}

/** What the caller plugs in: where events go, and who confirms. */
export interface PushPorts {
  readonly onEvent?: (event: PushEvent) => void;
  /** Asked once the file is read and before anything is sent; false ends the run as `declined`. */
  readonly confirm?: (question: PushConfirmation, signal: AbortSignal) => Promise<boolean>;
}
