/**
 * The Klaviyo operations this client calls, with the rate limits and scopes Klaviyo publishes for
 * each (the spec's `x-klaviyo-ratelimit` and `x-klaviyo-scopes`, revision 2026-07-15).
 * Limits: https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling
 */
export interface RateLimit {
  /** Burst window: at most this many request starts in any 1 s. */
  readonly perSecond: number;
  /** Steady window: at most this many request starts in any 60 s. */
  readonly perMinute: number;
}

export interface Operation {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** What the user was trying to do, for error messages: "Klaviyo refused <purpose>". */
  readonly purpose: string;
  readonly limits: RateLimit;
  readonly scopes: readonly string[];
  readonly docs: string;
}

export const OPERATIONS = {
  get_accounts: {
    method: 'GET',
    purpose: 'reading the account',
    limits: { perSecond: 1, perMinute: 15 },
    scopes: ['accounts:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_accounts',
  },
  get_lists: {
    method: 'GET',
    purpose: 'listing the lists',
    limits: { perSecond: 75, perMinute: 750 },
    scopes: ['lists:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_lists',
  },
  get_list: {
    method: 'GET',
    purpose: 'reading the list',
    limits: { perSecond: 75, perMinute: 750 },
    scopes: ['lists:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_list',
  },
  get_profiles_for_list: {
    method: 'GET',
    purpose: "reading the list's members",
    limits: { perSecond: 75, perMinute: 750 },
    scopes: ['lists:read', 'profiles:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_profiles_for_list',
  },
  bulk_import_profiles: {
    method: 'POST',
    purpose: 'importing profiles into the list',
    limits: { perSecond: 10, perMinute: 150 },
    scopes: ['lists:write', 'profiles:write'],
    docs: 'https://developers.klaviyo.com/en/reference/bulk_import_profiles',
  },
  get_bulk_import_profiles_jobs: {
    method: 'GET',
    purpose: 'reading the import jobs',
    limits: { perSecond: 10, perMinute: 150 },
    scopes: ['lists:read', 'profiles:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_bulk_import_profiles_jobs',
  },
  get_bulk_import_profiles_job: {
    method: 'GET',
    purpose: 'reading the import job',
    limits: { perSecond: 10, perMinute: 150 },
    scopes: ['lists:read', 'profiles:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_bulk_import_profiles_job',
  },
  get_errors_for_bulk_import_profiles_job: {
    method: 'GET',
    purpose: 'reading the import errors of the job',
    limits: { perSecond: 10, perMinute: 150 },
    scopes: ['profiles:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_errors_for_bulk_import_profiles_job',
  },
  // --mirror (issue 12): resolve emails to profile ids, read a list's members, remove members.
  get_list_profile_count: {
    method: 'GET',
    purpose: "counting the list's members",
    // Spec, get_list: "Rate limits when using the additional-fields[list]=profile_count parameter".
    limits: { perSecond: 1, perMinute: 15 },
    scopes: ['lists:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_list',
  },
  get_profiles: {
    method: 'GET',
    purpose: 'looking up profiles by email',
    limits: { perSecond: 75, perMinute: 750 },
    scopes: ['profiles:read'],
    docs: 'https://developers.klaviyo.com/en/reference/get_profiles',
  },
  remove_profiles_from_list: {
    method: 'DELETE',
    purpose: 'removing profiles from the list',
    limits: { perSecond: 10, perMinute: 150 },
    scopes: ['lists:write', 'profiles:write'],
    docs: 'https://developers.klaviyo.com/en/reference/remove_profiles_from_list',
  },
  bulk_subscribe_profiles: {
    method: 'POST',
    purpose: 'subscribing profiles',
    limits: { perSecond: 75, perMinute: 750 },
    scopes: ['lists:write', 'profiles:write', 'subscriptions:write'],
    docs: 'https://developers.klaviyo.com/en/reference/bulk_subscribe_profiles',
  },
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof OPERATIONS;

export const OPERATION_IDS = Object.keys(OPERATIONS) as OperationId[];
