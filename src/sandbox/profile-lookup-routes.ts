import { invalidParameter, klaviyoTime, type ApiResponse } from './json-api.js';
import { apiUrl } from './list-routes.js';
import type { ProfileConsentRecord } from './profile-consent.js';
import {
  compareTime,
  isApiResponse,
  pageLinks,
  parseFilter,
  parsePage,
  parseSort,
  pickFields,
  sparseFields,
  type Filter,
} from './query-params.js';
import { ok, type RouteHandler, type RouteRequest, type SandboxState } from './route-context.js';
import { profileId, type StoredProfile } from './sandbox-store.js';

/**
 * GET /api/profiles (spec: get_profiles): the account's profiles, looked up by identifier, with
 * their consent under `additional-fields[profile]=subscriptions`.
 */

/** Spec, get_profiles: "Default: 20. Min: 1. Max: 100." */
const PROFILES_PAGE = { default: 20, max: 100 };
/** Klaviyo's filters take at most 100 values in `any(...)`. */
const MAX_ANY_VALUES = 100;
/** Spec, get_profiles `filter` (the subscriptions.* fields are not served by the sandbox). */
const PROFILE_FILTERS = {
  id: ['any', 'equals'],
  email: ['any', 'equals'],
  phone_number: ['any', 'equals'],
  external_id: ['any', 'equals'],
  _kx: ['equals'],
  created: ['greater-than', 'less-than'],
  updated: ['greater-than', 'less-than'],
} as const;
const PROFILE_SORTS = ['created', 'email', 'id', 'updated'];
const STRING_ATTRIBUTES = ['email', 'phone_number', 'external_id', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'];
const LOCATION_ATTRIBUTES = ['address1', 'address2', 'city', 'country', 'latitude', 'longitude', 'region', 'zip', 'timezone', 'ip'];

function objectAttribute(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
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

function profileAttributes(profile: StoredProfile, state: SandboxState, withSubscriptions: boolean): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const name of STRING_ATTRIBUTES) attributes[name] = profile.attributes[name] ?? null;
  const storedLocation = objectAttribute(profile.attributes.location);
  const location: Record<string, unknown> = {};
  for (const name of LOCATION_ATTRIBUTES) location[name] = storedLocation[name] ?? null;
  Object.assign(attributes, {
    created: klaviyoTime(profile.createdAt),
    updated: klaviyoTime(profile.updatedAt),
    last_event_date: null,
    location,
    properties: objectAttribute(profile.attributes.properties),
  });
  if (withSubscriptions) attributes.subscriptions = subscriptionsAttribute(state.consent.peek(profile));
  return attributes;
}

function profileResource(request: RouteRequest, state: SandboxState, profile: StoredProfile, withSubscriptions: boolean) {
  const id = profileId(profile);
  const relationship = (name: string) => ({
    links: {
      self: apiUrl(request, `/api/profiles/${id}/relationships/${name}/`),
      related: apiUrl(request, `/api/profiles/${id}/${name}/`),
    },
  });
  return {
    type: 'profile',
    id,
    attributes: pickFields(profileAttributes(profile, state, withSubscriptions), sparseFields(request.url.searchParams, 'profile')),
    relationships: { lists: relationship('lists'), segments: relationship('segments'), 'push-tokens': relationship('push-tokens') },
    links: { self: apiUrl(request, `/api/profiles/${id}/`) },
  };
}

function matchingProfiles(state: SandboxState, filter: Filter | undefined): StoredProfile[] {
  if (filter?.field === 'email') {
    // The common lookup, answered from the store's index rather than a scan.
    const found = new Set<StoredProfile>();
    for (const value of filter.values) {
      const profile = state.store.profileByEmail(value);
      if (profile !== undefined) found.add(profile);
    }
    return [...found].sort((a, b) => a.number - b.number);
  }
  const all = state.store.profiles();
  if (filter === undefined) return all;
  if (filter.field === 'created') return all.filter((profile) => compareTime(filter, profile.createdAt));
  if (filter.field === 'updated') return all.filter((profile) => compareTime(filter, profile.updatedAt));
  if (filter.field === 'id') return all.filter((profile) => filter.values.includes(profileId(profile)));
  return all.filter((profile) => {
    const stored = profile.attributes[filter.field];
    return typeof stored === 'string' && filter.values.includes(stored);
  });
}

function emailOf(profile: StoredProfile): string {
  return typeof profile.attributes.email === 'string' ? profile.attributes.email.toLowerCase() : '';
}

function sortProfiles(profiles: StoredProfile[], field: string | undefined, isDescending: boolean): StoredProfile[] {
  if (field === undefined) return profiles;
  const key = (profile: StoredProfile): string | number =>
    field === 'email' ? emailOf(profile) : field === 'updated' ? profile.updatedAt : profile.number;
  const sorted = [...profiles].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return isDescending ? sorted.reverse() : sorted;
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
  if (filter !== undefined && filter.operator === 'any' && filter.values.length > MAX_ANY_VALUES) {
    return invalidParameter('filter', `The 'any' operator accepts at most ${MAX_ANY_VALUES} values.`);
  }
  const withSubscriptions = (query.get('additional-fields[profile]') ?? '').split(',').includes('subscriptions');
  const profiles = sortProfiles(matchingProfiles(state, filter), sort.field, sort.isDescending);
  const data = profiles
    .slice(page.offset, page.offset + page.size)
    .map((profile) => profileResource(request, state, profile, withSubscriptions));
  return ok({ data, links: pageLinks(request.url, page, profiles.length) });
};
