import { AuthError, InternalError } from '../errors.js';
import type { ApiErrorObject } from '../errors.js';
import { parseApiErrors, toResponseError } from './api-errors.js';
import type { RunRequest } from './request-runner.js';

/**
 * `POST /api/profile-subscription-bulk-create-jobs` (spec: bulk_subscribe_profiles): subscribes up
 * to 1,000 profiles to email and/or SMS marketing and adds them to the list. On a double opt-in
 * list each gets a confirmation message first, unless `historical_import` is true, which needs a
 * past `consented_at` on every profile (and `consented_at` is refused without it).
 * https://developers.klaviyo.com/en/reference/bulk_subscribe_profiles
 */
export const MAX_PROFILES_PER_SUBSCRIBE = 1_000;

/** Stored on the consent records (`custom_method_detail`), so that an audit can tell who subscribed them. */
export const SUBSCRIBE_CUSTOM_SOURCE = 'klaviyo-export';

export interface SubscriptionEntry {
  readonly email: string;
  /** E.164; needed for the SMS channel. */
  readonly phoneNumber?: string;
  readonly channels: { readonly email: boolean; readonly sms: boolean };
  /** ISO 8601, in the past: the request is then a historical import. */
  readonly consentedAt?: string;
}

export interface SubscriptionRequest {
  readonly listId: string;
  /** Every entry has `consentedAt` when true, none when false (Klaviyo refuses a mix either way). */
  readonly historicalImport: boolean;
  readonly entries: readonly SubscriptionEntry[];
}

export function subscriptionJobBody(request: SubscriptionRequest): string {
  const { entries, historicalImport, listId } = request;
  if (entries.length === 0 || entries.length > MAX_PROFILES_PER_SUBSCRIBE) {
    throw new InternalError(`A subscribe request takes 1 to ${MAX_PROFILES_PER_SUBSCRIBE} profiles, not ${entries.length}.`);
  }
  const profiles = entries.map((entry) => {
    if ((entry.consentedAt !== undefined) !== historicalImport) {
      throw new InternalError('A subscribe request mixes profiles with and without a consent time.');
    }
    if (!entry.channels.email && !entry.channels.sms) throw new InternalError('A profile to subscribe has no channel.');
    if (entry.channels.sms && entry.phoneNumber === undefined)
      throw new InternalError('A profile to subscribe to SMS has no phone number.');
    const marketing =
      entry.consentedAt === undefined ? { consent: 'SUBSCRIBED' } : { consent: 'SUBSCRIBED', consented_at: entry.consentedAt };
    const subscriptions: Record<string, unknown> = {};
    if (entry.channels.email) subscriptions.email = { marketing };
    if (entry.channels.sms) subscriptions.sms = { marketing };
    const attributes: Record<string, unknown> = { email: entry.email };
    if (entry.channels.sms) attributes.phone_number = entry.phoneNumber;
    attributes.subscriptions = subscriptions;
    return { type: 'profile', attributes };
  });
  const attributes: Record<string, unknown> = { custom_source: SUBSCRIBE_CUSTOM_SOURCE, profiles: { data: profiles } };
  if (historicalImport) attributes.historical_import = true;
  return JSON.stringify({
    data: {
      type: 'profile-subscription-bulk-create-job',
      attributes,
      relationships: { list: { data: { type: 'list', id: listId } } },
    },
  });
}

export type CreateSubscriptionJobResult = { kind: 'accepted' } | { kind: 'invalid'; errors: ApiErrorObject[] };

const PATH = '/api/profile-subscription-bulk-create-jobs';
export const MISSING_SUBSCRIBE_SCOPE_MESSAGE =
  'Klaviyo refused subscribing profiles (403): the API key lacks the scope subscriptions:write; ' +
  'create a private key with subscriptions:write (besides lists:write and profiles:write) and set KLAVIYO_API_KEY (or --api-key) to it.';

/** Sends one subscribe request (paced and retried by `runRequest`). Klaviyo answers 202 with no body. */
export async function createSubscriptionJob(runRequest: RunRequest, body: string): Promise<CreateSubscriptionJobResult> {
  const response = await runRequest({ operation: 'bulk_subscribe_profiles', pathAndQuery: PATH, body });
  if (response.status === 202 || response.status === 200 || response.status === 201 || response.status === 204) return { kind: 'accepted' };
  const errors = parseApiErrors(response.bodyText);
  // The import before it proved lists:write and profiles:write, so Klaviyo's permission_denied here
  // is the subscriptions scope (a CDN's 403 page is not: it has no JSON:API error).
  if (response.status === 403 && errors.some((error) => error.code === 'permission_denied')) {
    throw new AuthError(MISSING_SUBSCRIBE_SCOPE_MESSAGE);
  }
  if (response.status === 400) return { kind: 'invalid', errors };
  throw toResponseError(
    { operation: 'bulk_subscribe_profiles', method: 'POST', path: PATH, attempts: response.attempts },
    response.status,
    errors,
  );
}
