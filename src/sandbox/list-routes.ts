import { klaviyoTime, notFound, type ApiResponse } from './json-api.js';
import { compareTime, isApiResponse, pageLinks, parseFilter, parsePage, parseSort, pickFields, sparseFields } from './query-params.js';
import { ok, type RouteHandler, type RouteRequest } from './route-context.js';
import type { SandboxStore, StoredList } from './sandbox-store.js';

/** GET /api/accounts, /api/lists, /api/lists/{id}, /api/lists/{id}/profiles. */

/** Spec, get_lists: "Default: 10. Min: 1. Max: 10." */
const LISTS_PAGE = { default: 10, max: 10 };
/** Spec, get_lists `filter`: allowed fields and operators. */
const LIST_FILTERS = { name: ['any', 'equals'], id: ['any', 'equals'], created: ['greater-than'], updated: ['greater-than'] } as const;
/** Spec, get_lists `sort`. */
const LIST_SORTS = ['created', 'id', 'name', 'updated'];

const ACCOUNT_ID = 'SbXPk7';

export function apiUrl(request: RouteRequest, path: string): string {
  return new URL(path, request.url.origin).href;
}

/** The sandbox's lists have no tags and trigger no flows: an included relationship has empty `data`. */
function listResource(request: RouteRequest, list: StoredList, fields: Set<string> | undefined, extra: object = {}) {
  const self = apiUrl(request, `/api/lists/${list.id}/`);
  const included = includedNames(request.url.searchParams);
  const relationshipLinks = (name: string) => ({
    ...(included.has(name) ? { data: [] } : {}),
    links: {
      self: apiUrl(request, `/api/lists/${list.id}/relationships/${name}/`),
      related: apiUrl(request, `/api/lists/${list.id}/${name}/`),
    },
  });
  const attributes = {
    name: list.name,
    created: klaviyoTime(list.createdAt),
    updated: klaviyoTime(list.createdAt),
    opt_in_process: list.optInProcess,
    ...extra,
  };
  return {
    type: 'list',
    id: list.id,
    attributes: pickFields(attributes, fields),
    relationships: {
      profiles: relationshipLinks('profiles'),
      tags: relationshipLinks('tags'),
      'flow-triggers': relationshipLinks('flow-triggers'),
    },
    links: { self },
  };
}

function includedNames(query: URLSearchParams): Set<string> {
  return new Set((query.get('include') ?? '').split(',').filter(Boolean));
}

/** `include=tags,flow-triggers` (checked by query-checks.ts) adds an empty `included`. */
function withIncluded(query: URLSearchParams, document: Record<string, unknown>): Record<string, unknown> {
  return query.has('include') ? { ...document, included: [] } : document;
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
  if (filter.field === 'created' || filter.field === 'updated') return lists.filter((list) => compareTime(filter, list.createdAt));
  const values = new Set(filter.values);
  return lists.filter((list) => values.has(filter.field === 'name' ? list.name : list.id));
}

function sortLists(lists: StoredList[], field: string | undefined, isDescending: boolean): StoredList[] {
  if (field === undefined) return lists;
  const key = (list: StoredList): string | number => (field === 'name' ? list.name : field === 'id' ? list.id : list.createdAt);
  const sorted = [...lists].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return isDescending ? sorted.reverse() : sorted;
}

export const getLists: RouteHandler = (request, state) => {
  const query = request.url.searchParams;
  const page = parsePage(query, LISTS_PAGE.default, LISTS_PAGE.max);
  if (isApiResponse(page)) return page;
  const sort = parseSort(query, LIST_SORTS);
  if (isApiResponse(sort)) return sort;
  const filtered = filterLists(state.store.lists(), query.get('filter'));
  if (isApiResponse(filtered)) return filtered;
  const lists = sortLists(filtered, sort.field, sort.isDescending);
  const fields = sparseFields(query, 'list');
  const data = lists.slice(page.offset, page.offset + page.size).map((list) => listResource(request, list, fields));
  return ok(withIncluded(query, { data, links: pageLinks(request.url, page, lists.length) }));
};

export function findList(store: SandboxStore, id: string | undefined): StoredList | ApiResponse {
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
  const extra = asksForProfileCount(query) ? { profile_count: list.members.length } : {};
  return ok(
    withIncluded(query, { data: listResource(request, list, sparseFields(query, 'list'), extra), links: { self: request.url.href } }),
  );
};
