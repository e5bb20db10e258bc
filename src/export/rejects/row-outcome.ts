import type { ConsentRejectionReason, SubscribeChannel } from '../../mapping/consent-mapping.js';
import type { RejectionReason } from '../../mapping/map-record.js';

/** Where a row stands in its file: the line it starts on and, for JSON, its 0-based array element. */
export interface RowRef {
  readonly line: number;
  readonly element?: number | undefined;
}

/** Why a row is not sent, found while reading the file: the mapping's reasons, then the export's own. */
export type LocalRejectionCode = RejectionReason | ConsentRejectionReason | 'profile_too_large' | 'duplicate';

/** Klaviyo refused the profile: `klaviyo_` and the JSON:API error code (at upload, or in the job's import-errors). */
export type KlaviyoRefusalCode = `klaviyo_${string}`;

/** Why the consent step kept a consenting row out: what Klaviyo records for the profile now. */
export type KeptReason = 'unsubscribed' | 'suppressed' | 'unsubscribed_from_list';

/** What was sent for a row, when delivery knows it: the rejects file shows it where the file cannot be read again. */
export interface SentProfile {
  readonly attributes?: Record<string, unknown> | undefined;
}

/**
 * Where a row ended, as every stage records it in the RowLedger. A row that is none of these was
 * delivered. `description` is one sentence without personal data (console, report); `detail` may
 * quote the value (rejects file only).
 */
export type RowOutcome =
  /** Not sent: the file's row cannot become a profile (or is a later duplicate of an email). */
  | {
      readonly kind: 'rejected';
      readonly code: LocalRejectionCode;
      readonly description: string;
      readonly detail: string;
      readonly fields: Readonly<Record<string, unknown>>;
    }
  /** Sent, and refused by Klaviyo. */
  | {
      readonly kind: 'refused';
      readonly code: KlaviyoRefusalCode;
      readonly description: string;
      readonly detail: string;
      readonly sent: SentProfile;
    }
  /** Its request failed for good, was cancelled too often, or was never sent (a stop, a local failure). */
  | { readonly kind: 'not-delivered'; readonly description: string; readonly sent?: SentProfile | undefined }
  /** Sent in a job that was not followed to its end: the same command follows it up. */
  | { readonly kind: 'unconfirmed'; readonly jobId: string }
  /** In the list, but the consent step left it unsubscribed on `channel`: Klaviyo reports it opted out. */
  | { readonly kind: 'kept-opted-out'; readonly channel: SubscribeChannel; readonly reason: KeptReason; readonly description: string }
  /** Klaviyo refused to subscribe it (`subscribe_` and the error code). */
  | {
      readonly kind: 'subscribe-refused';
      readonly code: `subscribe_${string}`;
      readonly description: string;
      readonly detail: string;
      readonly email: string;
    }
  /**
   * An interrupted run sent its subscribe request and never learned the answer; Klaviyo does not
   * show it subscribed and a double opt-in confirmation may be pending, so it was not sent again.
   */
  | { readonly kind: 'subscribe-uncertain'; readonly description: string }
  /** Its lookup or subscribe request failed after retries (`failed`), or the run stopped before it was sent. */
  | {
      readonly kind: 'not-subscribed';
      readonly cause: 'failed' | 'not-sent';
      readonly description: string;
      readonly detail: string;
      readonly email: string;
    };

export type RowOutcomeKind = RowOutcome['kind'];
