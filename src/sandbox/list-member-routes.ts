import { klaviyoTime } from './json-api.js';
import { apiUrl, findList } from './list-routes.js';
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
import { ok, type RouteHandler, type RouteRequest } from './route-context.js';
import { profileId, type SandboxStore, type StoredList, type StoredProfile } from './sandbox-store.js';

/** GET /api/lists/{id}/profiles (spec: get_profiles_for_list, GetListMemberResponseCollection). */

/** Spec, get_profiles_for_list: "Default: 20. Min: 1. Max: 100." */
const MEMBERS_PAGE = { default: 20, max: 100 };
/** Spec, get_profiles_for_list `filter`: allowed fields and operators. */
const MEMBER_FILTERS = {
  email: ['any', 'equals'],
  phone_number: ['any', 'equals'],
  push_token: ['any', 'equals'],
  _kx: ['equals'],
  joined_group_at: ['greater-or-equal', 'greater-than', 'less-or-equal', 'less-than'],
} as const;
const MEMBER_SORTS = ['joined_group_at'];
const STRING_ATTRIBUTES = ['email', 'phone_number', 'external_id', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'];
const LOCATION_ATTRIBUTES = ['address1', 'address2', 'city', 'country', 'latitude', 'longitude', 'region', 'zip', 'timezone', 'ip'];

export interface Membership {
  profile: StoredProfile;
  joinedAt: number;
}

function memberships(list: StoredList): Membership[] {
  return list.members.map((profile, index) => ({ profile, joinedAt: list.joinedAt[index] ?? 0 }));
}

/** Matches a stored value (emails go through membersByEmail). */
function matchesFilter(filter: Filter, { profile, joinedAt }: Membership): boolean {
  if (filter.field === 'joined_group_at') return compareTime(filter, joinedAt);
  const stored = profile.attributes[filter.field];
  if (typeof stored !== 'string') return false; // push tokens are not stored by the sandbox
  return filter.values.includes(stored);
}

/** `equals(email,...)` / `any(email,[...])` through the store's index, in the order members joined. */
function membersByEmail(store: SandboxStore, list: StoredList, emails: readonly string[]): Membership[] {
  const found = new Map<number, Membership>();
  for (const email of emails) {
    const member = store.memberByEmail(list, email);
    if (member !== undefined) found.set(member.position, { profile: member.profile, joinedAt: list.joinedAt[member.position] ?? 0 });
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, membership]) => membership);
}

function objectAttribute(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Every attribute the response schema names, null when unknown; a stored `_kx` is never echoed. */
export function memberAttributes({ profile, joinedAt }: Membership): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const name of STRING_ATTRIBUTES) attributes[name] = profile.attributes[name] ?? null;
  const storedLocation = objectAttribute(profile.attributes.location);
  const location: Record<string, unknown> = {};
  for (const name of LOCATION_ATTRIBUTES) location[name] = storedLocation[name] ?? null;
  return {
    ...attributes,
    created: klaviyoTime(profile.createdAt),
    updated: klaviyoTime(profile.updatedAt),
    last_event_date: null,
    location,
    properties: objectAttribute(profile.attributes.properties),
    joined_group_at: klaviyoTime(joinedAt),
  };
}

function memberResource(request: RouteRequest, membership: Membership, fields: Set<string> | undefined) {
  return profileResourceOf(request, profileId(membership.profile), pickFields(memberAttributes(membership), fields));
}

/** A profile resource as Klaviyo's profile endpoints return it: its attributes, relationships and link. */
export function profileResourceOf(request: RouteRequest, id: string, attributes: Record<string, unknown>) {
  const relationship = (name: string) => ({
    links: {
      self: apiUrl(request, `/api/profiles/${id}/relationships/${name}/`),
      related: apiUrl(request, `/api/profiles/${id}/${name}/`),
    },
  });
  return {
    type: 'profile',
    id,
    attributes,
    relationships: { lists: relationship('lists'), segments: relationship('segments'), 'push-tokens': relationship('push-tokens') },
    links: { self: apiUrl(request, `/api/profiles/${id}/`) },
  };
}

export const getProfilesForList: RouteHandler = (request, state) => {
  const list = findList(state.store, request.params.id);
  if (isApiResponse(list)) return list;
  const query = request.url.searchParams;
  const page = parsePage(query, MEMBERS_PAGE.default, MEMBERS_PAGE.max);
  if (isApiResponse(page)) return page;
  const sort = parseSort(query, MEMBER_SORTS);
  if (isApiResponse(sort)) return sort;
  const filterText = query.get('filter');
  const filter = filterText === null ? undefined : parseFilter(filterText, MEMBER_FILTERS);
  if (filter !== undefined && isApiResponse(filter)) return filter;

  let members: Membership[];
  if (filter?.field === 'email') members = membersByEmail(state.store, list, filter.values);
  else {
    members = list.members.length === 0 ? [] : memberships(list);
    if (filter !== undefined) members = members.filter((membership) => matchesFilter(filter, membership));
  }
  // Members are kept in the order they joined, so sorting by joined_group_at is at most a reversal.
  if (sort.isDescending) members.reverse();
  const fields = sparseFields(query, 'profile');
  const data = members.slice(page.offset, page.offset + page.size).map((membership) => memberResource(request, membership, fields));
  return ok({ data, links: pageLinks(request.url, page, members.length) });
};
