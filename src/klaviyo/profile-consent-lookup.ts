import { z } from 'zod';
import { InternalError } from '../errors.js';
import { emailFilter, MAX_EMAILS_PER_FILTER } from './email-filter.js';

/**
 * The current consent of profiles, looked up by email before anyone is subscribed:
 * `GET /api/profiles?filter=any(email,[...])&additional-fields[profile]=subscriptions`
 * (https://developers.klaviyo.com/en/reference/get_profiles). Subscribing removes UNSUBSCRIBE,
 * SPAM_REPORT and USER_SUPPRESSED suppressions, so who opted out must be known first.
 */

const nullableString = z.string().nullish();

const emailMarketingSchema = z.object({
  can_receive_emailMarketing: z.boolean().nullish(),
  consent: nullableString,
  consent_timestamp: nullableString,
  last_updated: nullableString,
  suppression: z.array(z.object({ reason: z.string(), timestamp: nullableString })).nullish(),
  list_suppressions: z.array(z.object({ list_id: z.string(), reason: z.string(), timestamp: nullableString })).nullish(),
});

const smsMarketingSchema = z.object({
  can_receive_smsMarketing: z.boolean().nullish(),
  consent: nullableString,
  consent_timestamp: nullableString,
  last_updated: nullableString,
});

export const profileConsentPageSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      attributes: z.object({
        email: nullableString,
        subscriptions: z
          .object({
            email: z.object({ marketing: emailMarketingSchema.nullish() }).nullish(),
            sms: z.object({ marketing: smsMarketingSchema.nullish() }).nullish(),
          })
          .nullish(),
      }),
    }),
  ),
  links: z.object({ next: nullableString }).nullish(),
});

export interface Suppression {
  /** `UNSUBSCRIBE`, `SPAM_COMPLAINT`, `USER_SUPPRESSED`, `HARD_BOUNCE`, `INVALID_EMAIL`. */
  reason: string;
  /** Epoch ms; undefined when Klaviyo gave no time. */
  atMs?: number;
  /** Set for a suppression from one list only. */
  listId?: string;
}

export interface ChannelConsent {
  /** `SUBSCRIBED`, `UNSUBSCRIBED`, `NEVER_SUBSCRIBED` (upper-cased). */
  consent: string;
  /** When consent was recorded or last changed (epoch ms). */
  consentAtMs?: number;
}

export interface ProfileConsent {
  profileId: string;
  /** Lower-cased, to match the rows' dedupe keys. */
  email: string;
  emailMarketing?: ChannelConsent & { suppressions: Suppression[] };
  smsMarketing?: ChannelConsent;
}

/** The path and query of one lookup; the emails are quoted as JSON strings, as Klaviyo's filter syntax wants. */
export function profileConsentLookupPath(emails: readonly string[]): string {
  if (emails.length === 0 || emails.length > MAX_EMAILS_PER_FILTER) {
    throw new InternalError(`A consent lookup takes 1 to ${MAX_EMAILS_PER_FILTER} emails, not ${emails.length}.`);
  }
  const query = new URLSearchParams({
    filter: emailFilter(emails),
    'additional-fields[profile]': 'subscriptions',
    'fields[profile]': 'email,subscriptions',
    // A page holds at most 100 profiles (spec, get_profiles `page[size]`): one page answers a full lookup.
    'page[size]': String(MAX_EMAILS_PER_FILTER),
  });
  return `/api/profiles?${query.toString()}`;
}

function epochMs(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function channel(consent: string | null | undefined, ...times: (string | null | undefined)[]): ChannelConsent {
  const result: ChannelConsent = { consent: (consent ?? 'NEVER_SUBSCRIBED').toUpperCase() };
  const at = times.map(epochMs).find((ms) => ms !== undefined);
  if (at !== undefined) result.consentAtMs = at;
  return result;
}

function suppression(reason: string, timestamp: string | null | undefined, listId?: string): Suppression {
  const result: Suppression = { reason: reason.toUpperCase() };
  const atMs = epochMs(timestamp);
  if (atMs !== undefined) result.atMs = atMs;
  if (listId !== undefined) result.listId = listId;
  return result;
}

export function toProfileConsents(page: z.infer<typeof profileConsentPageSchema>): ProfileConsent[] {
  const profiles: ProfileConsent[] = [];
  for (const { id, attributes } of page.data) {
    if (typeof attributes.email !== 'string') continue;
    const profile: ProfileConsent = { profileId: id, email: attributes.email.trim().toLowerCase() };
    const email = attributes.subscriptions?.email?.marketing;
    if (email) {
      profile.emailMarketing = {
        ...channel(email.consent, email.consent_timestamp, email.last_updated),
        suppressions: [
          ...(email.suppression ?? []).map((entry) => suppression(entry.reason, entry.timestamp)),
          ...(email.list_suppressions ?? []).map((entry) => suppression(entry.reason, entry.timestamp, entry.list_id)),
        ],
      };
    }
    const sms = attributes.subscriptions?.sms?.marketing;
    if (sms) profile.smsMarketing = channel(sms.consent, sms.consent_timestamp, sms.last_updated);
    profiles.push(profile);
  }
  return profiles;
}
