import type { StoredProfile } from './sandbox-store.js';

/**
 * The sandbox's record of each profile's marketing consent, as `GET /api/profiles` shows it with
 * `additional-fields[profile]=subscriptions` (spec: Subscriptions, EmailMarketing, SMSMarketing).
 * Only the subscribe endpoint changes it (bulk import never does), and tests seed it.
 */
export type ConsentStatus = 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'NEVER_SUBSCRIBED';

/** Spec: EmailMarketingSuppression `reason`. */
export type SuppressionReason = 'HARD_BOUNCE' | 'INVALID_EMAIL' | 'SPAM_COMPLAINT' | 'UNSUBSCRIBE' | 'USER_SUPPRESSED';

export interface StoredSuppression {
  reason: SuppressionReason;
  at: number;
  /** Set for a suppression from one list (spec: EmailMarketingListSuppression). */
  listId?: string;
}

export interface ChannelRecord {
  consent: ConsentStatus;
  consentAt: number | undefined;
  lastUpdated: number | undefined;
  method: string | undefined;
  customMethodDetail: string | undefined;
}

export interface ProfileConsentRecord {
  email: ChannelRecord & { doubleOptin: boolean | undefined; suppressions: StoredSuppression[] };
  sms: ChannelRecord;
  /** Lists whose double opt-in confirmation email this profile was sent and has not answered. */
  pendingConfirmationListIds: string[];
  /** How often the subscribe endpoint applied a subscription to this profile, per channel, and sent it a confirmation email. */
  counters: ConsentCounters;
}

/** Per profile, for tests that assert "nobody subscribed twice, at most one confirmation email each". */
export interface ConsentCounters {
  subscriptions: { email: number; sms: number };
  confirmationEmails: number;
}

/**
 * What bulk_subscribe_profiles lifts: "This API will remove any UNSUBSCRIBE, SPAM_REPORT or
 * USER_SUPPRESSED suppressions" (SPAM_REPORT is SPAM_COMPLAINT in the suppression enum).
 * Bounces and invalid addresses stay.
 */
export const LIFTED_BY_SUBSCRIBING: ReadonlySet<SuppressionReason> = new Set(['UNSUBSCRIBE', 'SPAM_COMPLAINT', 'USER_SUPPRESSED']);

function neverSubscribed(): ChannelRecord {
  return { consent: 'NEVER_SUBSCRIBED', consentAt: undefined, lastUpdated: undefined, method: undefined, customMethodDetail: undefined };
}

export class ConsentStore {
  readonly #records = new Map<StoredProfile, ProfileConsentRecord>();
  #confirmationEmailsSent = 0;
  #profilesSubscribeRequested = 0;

  /** The profile's record, created (never subscribed, no suppression) on first use. */
  recordOf(profile: StoredProfile): ProfileConsentRecord {
    let record = this.#records.get(profile);
    if (record === undefined) {
      record = {
        email: { ...neverSubscribed(), doubleOptin: undefined, suppressions: [] },
        sms: neverSubscribed(),
        pendingConfirmationListIds: [],
        counters: { subscriptions: { email: 0, sms: 0 }, confirmationEmails: 0 },
      };
      this.#records.set(profile, record);
    }
    return record;
  }

  /** A read that creates nothing: undefined means never subscribed and never suppressed. */
  peek(profile: StoredProfile): ProfileConsentRecord | undefined {
    return this.#records.get(profile);
  }

  /** Subscribing on a double opt-in list without historical_import: a confirmation email, no consent yet. */
  sendConfirmation(profile: StoredProfile, listId: string): void {
    const record = this.recordOf(profile);
    if (!record.pendingConfirmationListIds.includes(listId)) record.pendingConfirmationListIds.push(listId);
    record.counters.confirmationEmails += 1;
    this.#confirmationEmailsSent += 1;
  }

  confirmationEmailsSent(): number {
    return this.#confirmationEmailsSent;
  }

  countSubscribeRequest(profiles: number): void {
    this.#profilesSubscribeRequested += profiles;
  }

  profilesSubscribeRequested(): number {
    return this.#profilesSubscribeRequested;
  }

  /** Profiles subscribed more than once on a channel, and profiles sent more than one confirmation email. */
  repeats(): { subscribedTwice: number; confirmedTwice: number } {
    let subscribedTwice = 0;
    let confirmedTwice = 0;
    for (const { counters } of this.#records.values()) {
      if (counters.subscriptions.email > 1 || counters.subscriptions.sms > 1) subscribedTwice += 1;
      if (counters.confirmationEmails > 1) confirmedTwice += 1;
    }
    return { subscribedTwice, confirmedTwice };
  }

  subscribe(
    profile: StoredProfile,
    channel: 'email' | 'sms',
    change: { listId: string | undefined; consentAt: number; now: number; customSource: string | undefined },
  ): void {
    const record = this.recordOf(profile);
    const target = channel === 'email' ? record.email : record.sms;
    record.counters.subscriptions[channel] += 1;
    target.consent = 'SUBSCRIBED';
    target.consentAt = change.consentAt;
    target.lastUpdated = change.now;
    target.method = 'API';
    target.customMethodDetail = change.customSource;
    if (channel === 'email') {
      record.email.doubleOptin = false;
      record.email.suppressions = record.email.suppressions.filter(
        (suppression) =>
          !LIFTED_BY_SUBSCRIBING.has(suppression.reason) || (suppression.listId !== undefined && suppression.listId !== change.listId),
      );
    }
  }
}
