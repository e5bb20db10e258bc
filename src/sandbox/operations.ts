/**
 * The Klaviyo operations the sandbox serves, with the scopes (`x-klaviyo-scopes`) and rate limits
 * (`x-klaviyo-ratelimit`) of revision 2026-07-15's OpenAPI spec:
 * https://github.com/klaviyo/openapi/blob/main/openapi/stable.json
 */
export type OperationId =
  | 'get_accounts'
  | 'get_lists'
  | 'get_list'
  | 'get_profiles_for_list'
  | 'bulk_import_profiles'
  | 'get_bulk_import_profiles_jobs'
  | 'get_bulk_import_profiles_job'
  | 'get_errors_for_bulk_import_profiles_job'
  | 'get_profiles'
  | 'remove_profiles_from_list'
  | 'bulk_subscribe_profiles';

export interface RateLimit {
  /** Requests per 1-second window. */
  burst: number;
  /** Requests per 60-second window. */
  steady: number;
}

/**
 * The names an operation's `fields[type]`, `additional-fields[type]` and `include` parameters accept
 * (spec: their `enum`s). A dotted fieldset name (`location.city`) is accepted when its first part is.
 */
export interface QueryVocabulary {
  fields: Readonly<Record<string, readonly string[]>>;
  additionalFields?: Readonly<Record<string, readonly string[]>>;
  include?: readonly string[];
}

export interface Operation {
  id: OperationId;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path segments; `:name` captures one segment. */
  pattern: readonly string[];
  scopes: readonly string[];
  rateLimit: RateLimit;
  query: QueryVocabulary;
}

const XS: RateLimit = { burst: 1, steady: 15 };
const M: RateLimit = { burst: 10, steady: 150 };
const L: RateLimit = { burst: 75, steady: 750 };

const LIST_FIELDS = ['created', 'id', 'name', 'opt_in_process', 'updated'];
const FLOW_FIELDS = ['archived', 'created', 'id', 'name', 'status', 'trigger_type', 'updated'];
const JOB_FIELDS = [
  'completed_at',
  'completed_count',
  'created_at',
  'expires_at',
  'failed_count',
  'id',
  'started_at',
  'status',
  'total_count',
];
const PROFILE_FIELDS = [
  'created',
  'email',
  'external_id',
  'first_name',
  'id',
  'image',
  'joined_group_at',
  'last_event_date',
  'last_name',
  'locale',
  'location',
  'organization',
  'phone_number',
  'predictive_analytics',
  'properties',
  'subscriptions',
  'title',
  'updated',
];
const LIST_QUERY: QueryVocabulary = {
  fields: { list: LIST_FIELDS, flow: FLOW_FIELDS, tag: ['id', 'name'] },
  include: ['flow-triggers', 'tags'],
};
const JOB_QUERY: QueryVocabulary = { fields: { 'profile-bulk-import-job': JOB_FIELDS } };

function operation(
  id: OperationId,
  method: Operation['method'],
  path: string,
  scopes: string[],
  rateLimit: RateLimit,
  query: QueryVocabulary,
): Operation {
  return { id, method, pattern: path.split('/').filter(Boolean), scopes, rateLimit, query };
}

export const OPERATIONS: readonly Operation[] = [
  operation('get_accounts', 'GET', '/api/accounts', ['accounts:read'], XS, {
    fields: {
      account: ['contact_information', 'id', 'industry', 'locale', 'preferred_currency', 'public_api_key', 'test_account', 'timezone'],
    },
  }),
  operation('get_lists', 'GET', '/api/lists', ['lists:read'], L, LIST_QUERY),
  operation('get_list', 'GET', '/api/lists/:id', ['lists:read'], L, {
    ...LIST_QUERY,
    fields: { ...LIST_QUERY.fields, list: [...LIST_FIELDS, 'profile_count'] },
    additionalFields: { list: ['profile_count'] },
  }),
  operation('get_profiles_for_list', 'GET', '/api/lists/:id/profiles', ['lists:read', 'profiles:read'], L, {
    fields: { profile: PROFILE_FIELDS },
    additionalFields: { profile: ['subscriptions', 'predictive_analytics'] },
  }),
  operation('bulk_import_profiles', 'POST', '/api/profile-bulk-import-jobs', ['lists:write', 'profiles:write'], M, JOB_QUERY),
  operation('get_bulk_import_profiles_jobs', 'GET', '/api/profile-bulk-import-jobs', ['lists:read', 'profiles:read'], M, JOB_QUERY),
  operation('get_bulk_import_profiles_job', 'GET', '/api/profile-bulk-import-jobs/:id', ['lists:read', 'profiles:read'], M, {
    fields: { ...JOB_QUERY.fields, list: LIST_FIELDS },
    include: ['lists'],
  }),
  operation('get_errors_for_bulk_import_profiles_job', 'GET', '/api/profile-bulk-import-jobs/:id/import-errors', ['profiles:read'], M, {
    fields: { 'import-error': ['code', 'detail', 'id', 'original_payload', 'source', 'title'] },
  }),
  // --mirror (issue 12): the profile lookup by email and the list-relationship removal.
  operation('get_profiles', 'GET', '/api/profiles', ['profiles:read'], L, {
    fields: {
      profile: PROFILE_FIELDS.filter((field) => field !== 'joined_group_at'),
      conversation: ['channel', 'id'],
      'push-token': ['background', 'created', 'enablement_status', 'id', 'metadata', 'platform', 'recorded_date', 'token', 'vendor'],
    },
    additionalFields: { profile: ['subscriptions', 'predictive_analytics'] },
    include: ['conversations', 'push-tokens'],
  }),
  operation('remove_profiles_from_list', 'DELETE', '/api/lists/:id/relationships/profiles', ['lists:write', 'profiles:write'], M, {
    fields: {},
  }),
  operation(
    'bulk_subscribe_profiles',
    'POST',
    '/api/profile-subscription-bulk-create-jobs',
    ['lists:write', 'profiles:write', 'subscriptions:write'],
    L,
    { fields: {} },
  ),
];

/**
 * `GET /api/profiles?additional-fields[profile]=predictive_analytics` has its own, smaller limit
 * (spec: description of get_profiles).
 */
export const PREDICTIVE_ANALYTICS_RATE_LIMIT = M;

/**
 * `GET /api/lists/{id}?additional-fields[list]=profile_count` has its own, smaller limit
 * (spec: description of get_list). It shares the operation's name in stats.
 */
export const PROFILE_COUNT_RATE_LIMIT = XS;

export type RouteMatch =
  | { kind: 'operation'; operation: Operation; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i] as string;
    const actual = segments[i] as string;
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(actual);
    else if (expected !== actual) return undefined;
  }
  return params;
}

/** Klaviyo accepts paths with or without a trailing slash (`/api/accounts/`). */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const segments = pathname.split('/').filter(Boolean);
  const allowed: string[] = [];
  for (const candidate of OPERATIONS) {
    const params = matchPattern(candidate.pattern, segments);
    if (params === undefined) continue;
    if (candidate.method === method) return { kind: 'operation', operation: candidate, params };
    allowed.push(candidate.method);
  }
  return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
}
