import { invalidParameter, klaviyoTime, notFound, type ApiResponse } from './json-api.js';
import { isApiResponse, pageLinks, parseFilter, parsePage, pickFields, sparseFields } from './query-params.js';
import { ok, type RouteHandler, type RouteRequest } from './route-context.js';
import { profileId, type SandboxStore, type StoredList } from './sandbox-store.js';

/** GET /api/accounts, /api/lists, /api/lists/{id}, /api/lists/{id}/profiles. */

/** Spec, get_lists: "Default: 10. Min: 1. Max: 10." */
const LISTS_PAGE = { default: 10, max: 10 };
/** Spec, get_profiles_for_list: "Default: 20. Min: 1. Max: 100." */
const MEMBERS_PAGE = { default: 20, max: 100 };
/** Spec, get_lists `filter`: allowed fields and operators (created/updated are not served). */
const LIST_FILTERS = { name: ['any', 'equals'], id: ['any', 'equals'] } as const;

const ACCOUNT_ID = 'SbXPk7';

function apiUrl(request: RouteRequest, path: string): string {
  return new URL(path, request.url.origin).href;
}

function listResource(request: RouteRequest, list: StoredList, fields: Set<string> | undefined, extra: object = {}) {
  const self = apiUrl(request, `/api/lists/${list.id}/`);
  const relationshipLinks = (name: string) => ({
    self: apiUrl(request, `/api/lists/${list.id}/relationships/${name}/`),
    related: apiUrl(request, `/api/lists/${list.id}/${name}/`),
  });
  const attributes = {
    name: list.name,
    created: klaviyoTime(list.createdAt),
    updated: klaviyoTime(list.createdAt),
    opt_in_process: 'single_opt_in',
    ...extra,
  };
  return {
    type: 'list',
    id: list.id,
    attributes: pickFields(attributes, fields),
    relationships: {
      profiles: { links: relationshipLinks('profiles') },
      tags: { links: relationshipLinks('tags') },
      'flow-triggers': { links: relationshipLinks('flow-triggers') },
    },
    links: { self },
  };
}

/** The list resource as included in other documents (`include=lists`). */
export function includedListResource(request: RouteRequest, list: StoredList): object {
  return listResource(request, list, sparseFields(request.url.searchParams, 'list'));
}

export const getAccounts: RouteHandler = (request, state) => {
  const attributes = {
    test_account: true,
    contact_information: {
      default_sender_name: state.accountName,
      default_sender_email: 'sandbox@example.com',
      website_url: 'https://example.com',
      organization_name: state.accountName,
      street_address: { address1: null, address2: null, city: null, region: null, country: null, zip: null },
    },
    industry: null,
    timezone: 'UTC',
    preferred_currency: 'USD',
    public_api_key: ACCOUNT_ID,
    locale: 'en-US',
  };
  const account = {
    type: 'account',
    id: ACCOUNT_ID,
    attributes: pickFields(attributes, sparseFields(request.url.searchParams, 'account')),
    links: { self: apiUrl(request, `/api/accounts/${ACCOUNT_ID}/`) },
  };
  return ok({ data: [account], links: { self: request.url.href } });
};

function filterLists(lists: StoredList[], filterText: string | null): StoredList[] | ApiResponse {
  if (filterText === null) return lists;
  const filter = parseFilter(filterText, LIST_FILTERS);
  if (isApiResponse(filter)) return filter;
  const values = new Set(filter.values);
  return lists.filter((list) => values.has(filter.field === 'name' ? list.name : list.id));
}

export const getLists: RouteHandler = (request, state) => {
  const query = request.url.searchParams;
  const page = parsePage(query, LISTS_PAGE.default, LISTS_PAGE.max);
  if (isApiResponse(page)) return page;
  const lists = filterLists(state.store.lists(), query.get('filter'));
  if (isApiResponse(lists)) return lists;
  const fields = sparseFields(query, 'list');
  const data = lists.slice(page.offset, page.offset + page.size).map((list) => listResource(request, list, fields));
  return ok({ data, links: pageLinks(request.url, page, lists.length) });
};

function findList(store: SandboxStore, id: string | undefined): StoredList | ApiResponse {
  const list = id === undefined ? undefined : store.list(id);
  return list ?? notFound(`A list with id ${id ?? ''} does not exist.`);
}

/** `additional-fields[list]=profile_count` also has its own rate limit (see operations.ts). */
export function asksForProfileCount(query: URLSearchParams): boolean {
  return (query.get('additional-fields[list]') ?? '').split(',').includes('profile_count');
}

export const getList: RouteHandler = (request, state) => {
  const list = findList(state.store, request.params.id);
  if (isApiResponse(list)) return list;
  const query = request.url.searchParams;
  const additional = query.get('additional-fields[list]');
  if (additional !== null && !asksForProfileCount(query)) {
    return invalidParameter('additional-fields[list]', `'${additional}' is not a valid additional field.`);
  }
  const extra = asksForProfileCount(query) ? { profile_count: list.members.length } : {};
  return ok({ data: listResource(request, list, sparseFields(query, 'list'), extra), links: { self: request.url.href } });
};

export const getProfilesForList: RouteHandler = (request, state) => {
  const list = findList(state.store, request.params.id);
  if (isApiResponse(list)) return list;
  const page = parsePage(request.url.searchParams, MEMBERS_PAGE.default, MEMBERS_PAGE.max);
  if (isApiResponse(page)) return page;
  const fields = sparseFields(request.url.searchParams, 'profile');
  const data = list.members.slice(page.offset, page.offset + page.size).map((profile) => {
    const attributes = {
      email: null,
      phone_number: null,
      external_id: null,
      first_name: null,
      last_name: null,
      organization: null,
      locale: null,
      title: null,
      image: null,
      ...profile.attributes,
      created: klaviyoTime(profile.createdAt),
      updated: klaviyoTime(profile.updatedAt),
    };
    const id = profileId(profile);
    return {
      type: 'profile',
      id,
      attributes: pickFields(attributes, fields),
      links: { self: apiUrl(request, `/api/profiles/${id}/`) },
    };
  });
  return ok({ data, links: pageLinks(request.url, page, list.members.length) });
};
