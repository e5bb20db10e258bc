import { invalidParameter, type ApiResponse } from './json-api.js';

/**
 * Klaviyo's query conventions: cursor pagination (`page[size]`, `page[cursor]`, `links.next`),
 * sparse fieldsets (`fields[type]=a,b`) and filters (`equals(name,"x")`, `any(id,["a","b"])`).
 * https://developers.klaviyo.com/en/reference/api_overview
 */

export interface Page {
  offset: number;
  size: number;
}

/** Parsers return either their value or the 400 to send. */
export function isApiResponse<T extends object>(value: T | ApiResponse): value is ApiResponse {
  return 'status' in value && typeof value.status === 'number';
}

export function parsePage(query: URLSearchParams, defaultSize: number, maxSize: number): Page | ApiResponse {
  const sizeText = query.get('page[size]');
  let size = defaultSize;
  if (sizeText !== null) {
    size = Number(sizeText);
    if (!Number.isInteger(size) || size < 1 || size > maxSize) {
      return invalidParameter('page[size]', `Page size must be an integer between 1 and ${maxSize}.`);
    }
  }
  const cursor = query.get('page[cursor]');
  if (cursor === null) return { offset: 0, size };
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) return invalidParameter('page[cursor]', 'Invalid page cursor.');
  return { offset: Number(match[1]), size };
}

function urlWithCursor(requestUrl: URL, offset: number): string {
  const url = new URL(requestUrl.href);
  url.searchParams.set('page[cursor]', Buffer.from(`offset:${offset}`).toString('base64url'));
  return url.href;
}

export interface CollectionLinks {
  self: string;
  next?: string;
  prev?: string;
}

export function pageLinks(requestUrl: URL, page: Page, total: number): CollectionLinks {
  const links: CollectionLinks = { self: requestUrl.href };
  if (page.offset + page.size < total) links.next = urlWithCursor(requestUrl, page.offset + page.size);
  if (page.offset > 0) links.prev = urlWithCursor(requestUrl, Math.max(0, page.offset - page.size));
  return links;
}

/** `fields[type]=a,b`: the attributes asked for, or undefined for all. */
export function sparseFields(query: URLSearchParams, type: string): Set<string> | undefined {
  const text = query.get(`fields[${type}]`);
  return text === null ? undefined : new Set(text.split(',').map((field) => field.trim()));
}

/**
 * Keeps the attributes named in `fields`. A dotted name (`location.city`, spec: `fields[profile]`)
 * keeps one member of an object attribute.
 */
export function pickFields<T extends object>(attributes: T, fields: Set<string> | undefined): Partial<T> {
  if (fields === undefined) return attributes;
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    const [name = '', ...rest] = field.split('.');
    if (!(name in attributes)) continue;
    const value: unknown = (attributes as Record<string, unknown>)[name];
    if (rest.length === 0 || typeof value !== 'object' || value === null) {
      picked[name] = value;
      continue;
    }
    const nested = pickFields(value, new Set([rest.join('.')]));
    const current = picked[name];
    picked[name] = typeof current === 'object' && current !== null ? { ...current, ...nested } : nested;
  }
  return picked as Partial<T>;
}

export type FilterOperator = 'equals' | 'any' | ComparisonOperator;
type ComparisonOperator = 'greater-than' | 'greater-or-equal' | 'less-than' | 'less-or-equal';
const COMPARISONS: ReadonlySet<string> = new Set<ComparisonOperator>(['greater-than', 'greater-or-equal', 'less-than', 'less-or-equal']);

export interface Filter {
  operator: FilterOperator;
  field: string;
  /** Strings for `equals` and `any`; one epoch-ms number, as a string, for a comparison. */
  values: string[];
}

function parseQuoted(text: string): string | undefined {
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*$/.exec(text);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1');
}

const QUOTED_ITEM = `(?:"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*')`;
const QUOTED_LIST = new RegExp(`^\\s*${QUOTED_ITEM}\\s*(?:,\\s*${QUOTED_ITEM}\\s*)*$`, 's');
/** Klaviyo's filters: "Max of 100 items per list filter" (spec, e.g. get_profiles `filter`; KLAVIYO.md for `any(email,...)`). */
export const MAX_FILTER_LIST_ITEMS = 100;

function splitListItems(body: string): string[] {
  return body.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g) ?? [];
}

/** A datetime filter value, unquoted as in Klaviyo's examples (`greater-than(updated,2023-03-01T01:00:00Z)`) or quoted. */
function parseDateTime(text: string): number | undefined {
  const raw = parseQuoted(text) ?? text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) return undefined;
  const epochMs = Date.parse(raw);
  return Number.isNaN(epochMs) ? undefined : epochMs;
}

/** Whether `epochMs` passes a comparison filter. */
export function compareTime(filter: Filter, epochMs: number): boolean {
  const bound = Number(filter.values[0]);
  switch (filter.operator) {
    case 'greater-than':
      return epochMs > bound;
    case 'greater-or-equal':
      return epochMs >= bound;
    case 'less-than':
      return epochMs < bound;
    case 'less-or-equal':
      return epochMs <= bound;
    default:
      return false;
  }
}

/**
 * One `equals(field,"v")`, `any(field,["a","b"])` or datetime comparison (`greater-than(updated,2024-01-01T00:00:00Z)`).
 * `allowed` maps each field to its operators, as the spec lists them for the operation.
 */
export function parseFilter(text: string, allowed: Record<string, readonly string[]>): Filter | ApiResponse {
  const match = /^\s*([a-z-]+)\(\s*([a-z_]+)\s*,(.*)\)\s*$/s.exec(text);
  if (match === null) return invalidParameter('filter', `Invalid filter provided: ${text}`);
  const [, operator = '', field = '', argument = ''] = match;
  if (!allowed[field]?.includes(operator)) {
    return invalidParameter('filter', `'${operator}' operator for the field '${field}' is not supported.`);
  }
  if (COMPARISONS.has(operator)) {
    const epochMs = parseDateTime(argument);
    if (epochMs === undefined) return invalidParameter('filter', `Invalid filter provided: ${text}`);
    return { operator: operator as ComparisonOperator, field, values: [String(epochMs)] };
  }
  if (operator === 'equals') {
    const value = parseQuoted(argument);
    if (value === undefined) return invalidParameter('filter', `Invalid filter provided: ${text}`);
    return { operator, field, values: [value] };
  }
  const listMatch = /^\s*\[(.*)\]\s*$/s.exec(argument);
  // Every item quoted, separated by commas: an unquoted or half-quoted item is a syntax error.
  if (listMatch === null || !QUOTED_LIST.test(listMatch[1] ?? '')) return invalidParameter('filter', `Invalid filter provided: ${text}`);
  const values = splitListItems(listMatch[1] ?? '').map((item) => parseQuoted(item) ?? '');
  if (values.length > MAX_FILTER_LIST_ITEMS) return invalidParameter('filter', `Max of ${MAX_FILTER_LIST_ITEMS} items per list filter.`);
  return { operator: 'any', field, values };
}

export interface Sort {
  /** Undefined when the request names no sort. */
  field: string | undefined;
  isDescending: boolean;
}

/** `sort=field` or `sort=-field`, one of the spec's values for the operation. */
export function parseSort(query: URLSearchParams, allowed: readonly string[]): Sort | ApiResponse {
  const sort = query.get('sort');
  if (sort === null) return { field: undefined, isDescending: false };
  const field = sort.replace(/^-/, '');
  if (!allowed.includes(field)) return invalidParameter('sort', `'${sort}' is not a valid sort field.`);
  return { field, isDescending: sort.startsWith('-') };
}
