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

export function pickFields<T extends object>(attributes: T, fields: Set<string> | undefined): Partial<T> {
  if (fields === undefined) return attributes;
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => fields.has(name))) as Partial<T>;
}

export interface Filter {
  field: string;
  values: string[];
}

function parseQuoted(text: string): string | undefined {
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*$/.exec(text);
  if (match === null) return undefined;
  return (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1');
}

function splitListItems(body: string): string[] {
  return body.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g) ?? [];
}

/**
 * One `equals(field,"v")` or `any(field,["a","b"])`, the only operators the sandbox's routes allow.
 * `allowed` maps each field to its operators, as the spec lists them for the operation.
 */
export function parseFilter(text: string, allowed: Record<string, readonly string[]>): Filter | ApiResponse {
  const match = /^\s*([a-z-]+)\(\s*([a-z_]+)\s*,(.*)\)\s*$/s.exec(text);
  if (match === null) return invalidParameter('filter', `Invalid filter provided: ${text}`);
  const [, operator = '', field = '', argument = ''] = match;
  if (!allowed[field]?.includes(operator)) {
    return invalidParameter('filter', `'${operator}' operator for the field '${field}' is not supported.`);
  }
  if (operator === 'equals') {
    const value = parseQuoted(argument);
    if (value === undefined) return invalidParameter('filter', `Invalid filter provided: ${text}`);
    return { field, values: [value] };
  }
  const listMatch = /^\s*\[(.*)\]\s*$/s.exec(argument);
  if (listMatch === null) return invalidParameter('filter', `Invalid filter provided: ${text}`);
  const values = splitListItems(listMatch[1] ?? '').map((item) => parseQuoted(item) ?? '');
  return { field, values };
}
