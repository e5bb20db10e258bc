import { invalidParameter, klaviyoTime, type ApiResponse } from './json-api.js';
import type { ProfileConsentRecord } from './profile-consent.js';
import { memberAttributes, profileResourceOf } from './list-member-routes.js';
import { isApiResponse, pageLinks, parseFilter, parsePage, parseSort, pickFields, sparseFields, type Filter } from './query-params.js';
import { ok, type RouteHandler, type RouteRequest, type SandboxState } from './route-context.js';
import { profileId, profileNumberOf, type SandboxStore, type StoredProfile } from './sandbox-store.js';

/**
 * GET /api/profiles (spec: get_profiles, GetProfileResponseCollection), as the profile lookup by
 * email and the consent lookup (`additional-fields[profile]=subscriptions`) use it: `filter=any(email,[...])` or `equals(email,"...")`, also on `id`, `phone_number`
 * and `external_id`. The datetime and subscription filters are not served (400).
 */

/** Spec, get_profiles `page[size]`: "Default: 20. Min: 1. Max: 100." */
const PROFILES_PAGE = { default: 20, max: 100 };
/** The values one `any(...)` may hold (KLAVIYO.md: "At most 100 emails in any(...)"). */
export const MAX_FILTER_VALUES = 100;
const PROFILE_FILTERS = {
  id: ['any', 'equals'],
  email: ['any', 'equals'],
  phone_number: ['any', 'equals'],
  external_id: ['any', 'equals'],
} as const;
/** Spec, get_profiles `sort` (the subscription timestamps are not stored by the sandbox). */
const PROFILE_SORTS = ['created', 'email', 'id', 'updated'];

function findProfiles(store: SandboxStore, filter: Filter | undefined): StoredProfile[] {
  if (filter === undefined) return [...store.profiles()];
  if (filter.field === 'email') {
    const found = new Map<number, StoredProfile>();
    for (const email of filter.values) {
      const profile = store.profileByEmail(email);
      if (profile !== undefined) found.set(profile.number, profile);
    }
    return [...found.values()];
  }
  if (filter.field === 'id') {
    const numbers = new Set(filter.values.map(profileNumberOf));
    return [...store.profiles()].filter((profile) => numbers.has(profile.number));
  }
  const values = new Set(filter.values);
  return [...store.profiles()].filter((profile) => {
    const stored = profile.attributes[filter.field];
    return typeof stored === 'string' && values.has(stored);
  });
}

function sortKey(profile: StoredProfile, field: string): string | number {
  if (field === 'email') return typeof profile.attributes.email === 'string' ? profile.attributes.email : '';
  if (field === 'created') return profile.createdAt;
  if (field === 'updated') return profile.updatedAt;
  return profile.number;
}

function optionalTime(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : klaviyoTime(epochMs);
}

/** Spec: Subscriptions (email and SMS marketing; the sandbox has no push or WhatsApp). */
export function subscriptionsAttribute(record: ProfileConsentRecord | undefined): object {
  const email = record?.email;
  const sms = record?.sms;
  const global = (email?.suppressions ?? []).filter((suppression) => suppression.listId === undefined);
  const perList = (email?.suppressions ?? []).filter((suppression) => suppression.listId !== undefined);
  return {
    email: {
      marketing: {
        can_receive_email_marketing: global.length === 0,
        consent: email?.consent ?? 'NEVER_SUBSCRIBED',
        consent_timestamp: optionalTime(email?.consentAt),
        last_updated: optionalTime(email?.lastUpdated),
        method: email?.method ?? null,
        method_detail: '',
        custom_method_detail: email?.customMethodDetail ?? null,
        double_optin: email?.doubleOptin ?? null,
        suppression: global.map((suppression) => ({ reason: suppression.reason, timestamp: klaviyoTime(suppression.at) })),
        list_suppressions: perList.map((suppression) => ({
          list_id: suppression.listId,
          reason: suppression.reason,
          timestamp: klaviyoTime(suppression.at),
        })),
      },
    },
    sms: {
      marketing: {
        can_receive_sms_marketing: sms?.consent === 'SUBSCRIBED',
        consent: sms?.consent ?? 'NEVER_SUBSCRIBED',
        consent_timestamp: optionalTime(sms?.consentAt),
        method: sms?.method ?? null,
        method_detail: '',
        last_updated: optionalTime(sms?.lastUpdated),
      },
    },
  };
}

/** `additional-fields[profile]=subscriptions` adds the profile's consent (spec: Subscriptions). */
function profileResource(
  request: RouteRequest,
  state: SandboxState,
  profile: StoredProfile,
  fields: Set<string> | undefined,
  withSubscriptions: boolean,
) {
  const id = profileId(profile);
  const { joined_group_at: _joinedGroupAt, ...memberFields } = memberAttributes({ profile, joinedAt: 0 });
  const attributes: Record<string, unknown> = withSubscriptions
    ? { ...memberFields, subscriptions: subscriptionsAttribute(state.consent.peek(profile)) }
    : memberFields;
  return profileResourceOf(request, id, pickFields(attributes, fields));
}

export const getProfiles: RouteHandler = (request, state): ApiResponse => {
  const query = request.url.searchParams;
  const page = parsePage(query, PROFILES_PAGE.default, PROFILES_PAGE.max);
  if (isApiResponse(page)) return page;
  const sort = parseSort(query, PROFILE_SORTS);
  if (isApiResponse(sort)) return sort;
  const filterText = query.get('filter');
  const filter = filterText === null ? undefined : parseFilter(filterText, PROFILE_FILTERS);
  if (filter !== undefined && isApiResponse(filter)) return filter;
  if (filter !== undefined && filter.values.length > MAX_FILTER_VALUES) {
    return invalidParameter('filter', `Max of ${MAX_FILTER_VALUES} items per list filter.`);
  }

  let profiles = findProfiles(state.store, filter);
  const sortField = sort.field ?? 'id';
  profiles.sort((a, b) => {
    const [left, right] = [sortKey(a, sortField), sortKey(b, sortField)];
    return left < right ? -1 : left > right ? 1 : a.number - b.number;
  });
  if (sort.isDescending) profiles = profiles.reverse();
  const fields = sparseFields(query, 'profile');
  const withSubscriptions = (query.get('additional-fields[profile]') ?? '').split(',').includes('subscriptions');
  const data = profiles
    .slice(page.offset, page.offset + page.size)
    .map((profile) => profileResource(request, state, profile, fields, withSubscriptions));
  return ok({ data, links: pageLinks(request.url, page, profiles.length) });
};
