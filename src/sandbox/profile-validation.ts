import { INVALID_TITLE, errorResponse, jsonApiError, type ApiResponse, type JsonApiError } from './json-api.js';

/**
 * The synchronous checks of `POST /api/profile-bulk-import-jobs` (spec: ProfileImportJobCreateQuery).
 * The request is all or nothing: one bad profile refuses the whole request, with one error per bad
 * profile whose `source.pointer` names it (observed in production, see KLAVIYO.md).
 * Plain code rather than a schema library: it runs for a million profiles in the benchmark.
 */

/** https://developers.klaviyo.com/en/reference/bulk_import_profiles: "Accepts up to 10,000 profiles per request". */
export const MAX_PROFILES_PER_JOB = 10_000;
/** Same page: "The maximum allowed payload size per-profile is 100KB" (counted strictly, 100,000 bytes). */
export const MAX_PROFILE_BYTES = 100_000;

export type ProfileAttributes = Record<string, unknown>;

export interface ImportRequest {
  profiles: ProfileAttributes[];
  listIds: string[];
}

export type ImportRequestValidation = { isValid: true; request: ImportRequest } | { isValid: false; response: ApiResponse };

type FieldKind = 'string' | 'string-or-number' | 'object' | 'location';

/** Spec: ProfileUpsertQueryResourceObject.attributes; every field is nullable. */
const PROFILE_FIELDS: ReadonlyMap<string, FieldKind> = new Map<string, FieldKind>([
  ['email', 'string'],
  ['phone_number', 'string'],
  ['external_id', 'string'],
  ['_kx', 'string'],
  ['first_name', 'string'],
  ['last_name', 'string'],
  ['organization', 'string'],
  ['locale', 'string'],
  ['title', 'string'],
  ['image', 'string'],
  ['location', 'location'],
  ['properties', 'object'],
]);

/** Spec: ProfileLocation. */
const LOCATION_FIELDS: ReadonlyMap<string, FieldKind> = new Map<string, FieldKind>([
  ['address1', 'string'],
  ['address2', 'string'],
  ['city', 'string'],
  ['country', 'string'],
  ['latitude', 'string-or-number'],
  ['longitude', 'string-or-number'],
  ['region', 'string'],
  ['zip', 'string'],
  ['timezone', 'string'],
  ['ip', 'string'],
]);

const RESOURCE_KEYS = new Set(['type', 'id', 'attributes', 'meta']);
/** Spec: ProfileImportJobCreateQueryResourceObject and its `attributes` and `relationships`. */
const JOB_KEYS = new Set(['type', 'attributes', 'relationships']);
const JOB_ATTRIBUTE_KEYS = new Set(['profiles']);
const JOB_RELATIONSHIP_KEYS = new Set(['lists']);
const JOB_RESOURCE = 'profile-bulk-import-job';
const IDENTIFIERS = ['email', 'phone_number', 'external_id'] as const;
const PROFILES_POINTER = '/data/attributes/profiles/data';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string, pointer: string): JsonApiError {
  return jsonApiError(400, 'invalid', INVALID_TITLE, detail, { pointer });
}

function refuse(errors: JsonApiError[]): ImportRequestValidation {
  return { isValid: false, response: errorResponse(400, errors) };
}

function notValidField(name: string, resource: string, pointer: string): JsonApiError {
  return invalid(`'${name}' is not a valid field for the resource '${resource}'.`, pointer);
}

function checkValue(kind: FieldKind, name: string, value: unknown, pointer: string): JsonApiError | undefined {
  if (value === null) return undefined;
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? undefined : invalid(`'${name}' must be a string.`, pointer);
    case 'string-or-number':
      return typeof value === 'string' || typeof value === 'number'
        ? undefined
        : invalid(`'${name}' must be a string or a number.`, pointer);
    case 'object':
      return isPlainObject(value) ? undefined : invalid(`'${name}' must be an object.`, pointer);
    case 'location':
      if (!isPlainObject(value)) return invalid(`'${name}' must be an object.`, pointer);
      for (const key in value) {
        const fieldKind = LOCATION_FIELDS.get(key);
        const fieldPointer = `${pointer}/${key}`;
        if (fieldKind === undefined) return notValidField(key, 'location', fieldPointer);
        const error = checkValue(fieldKind, key, value[key], fieldPointer);
        if (error !== undefined) return error;
      }
      return undefined;
  }
}

/**
 * An upper bound of the JSON size in bytes, cheap enough for a million profiles where serialising
 * each one is not: a UTF-16 unit takes at most 6 bytes in JSON (`\u001f`), and any other token
 * at most 32. Stops counting once past `budget`.
 */
function jsonBytesUpperBound(value: unknown, budget: number): number {
  if (typeof value === 'string') return value.length * 6 + 2;
  if (typeof value !== 'object' || value === null) return 32;
  let bound = 2;
  if (Array.isArray(value)) {
    for (const item of value) {
      bound += jsonBytesUpperBound(item, budget - bound) + 1;
      if (bound > budget) return bound;
    }
    return bound;
  }
  for (const key in value) {
    bound += key.length * 6 + 4 + jsonBytesUpperBound((value as Record<string, unknown>)[key], budget - bound);
    if (bound > budget) return bound;
  }
  return bound;
}

function hasIdentifier(attributes: ProfileAttributes): boolean {
  return IDENTIFIERS.some((name) => {
    const value = attributes[name];
    return typeof value === 'string' && value.length > 0;
  });
}

/** The first problem of one profile resource, or undefined when it passes. */
function checkProfile(resource: unknown, index: number): JsonApiError | undefined {
  const pointer = `${PROFILES_POINTER}/${index}`;
  if (!isPlainObject(resource)) return invalid('A profile must be an object.', pointer);
  for (const key in resource) {
    if (!RESOURCE_KEYS.has(key)) return notValidField(key, 'profile', `${pointer}/${key}`);
  }
  if (resource.type !== 'profile') return invalid(`The type must be 'profile'.`, `${pointer}/type`);
  if (resource.id !== undefined && resource.id !== null && typeof resource.id !== 'string') {
    return invalid(`'id' must be a string.`, `${pointer}/id`);
  }
  if (resource.meta !== undefined && resource.meta !== null && !isPlainObject(resource.meta)) {
    return invalid(`'meta' must be an object.`, `${pointer}/meta`);
  }
  const attributes = resource.attributes;
  if (!isPlainObject(attributes)) return invalid(`'attributes' must be an object.`, `${pointer}/attributes`);
  for (const key in attributes) {
    const kind = PROFILE_FIELDS.get(key);
    const fieldPointer = `${pointer}/attributes/${key}`;
    if (kind === undefined) return notValidField(key, 'profile', fieldPointer);
    const error = checkValue(kind, key, attributes[key], fieldPointer);
    if (error !== undefined) return error;
  }
  if (!hasIdentifier(attributes)) {
    return invalid('One of email, phone_number or external_id is required.', `${pointer}/attributes`);
  }
  const mayBeTooLarge = jsonBytesUpperBound(resource, MAX_PROFILE_BYTES) > MAX_PROFILE_BYTES;
  if (mayBeTooLarge && Buffer.byteLength(JSON.stringify(resource)) > MAX_PROFILE_BYTES) {
    return invalid(`The profile is larger than the maximum of ${MAX_PROFILE_BYTES} bytes.`, pointer);
  }
  return undefined;
}

function unknownKey(object: Record<string, unknown>, known: ReadonlySet<string>, pointer: string): JsonApiError | undefined {
  for (const key in object) {
    if (!known.has(key)) return notValidField(key, JOB_RESOURCE, `${pointer}/${key}`);
  }
  return undefined;
}

function checkListIds(relationships: unknown): { listIds: string[] } | { error: JsonApiError } {
  if (relationships === undefined) return { listIds: [] };
  if (!isPlainObject(relationships)) return { error: invalid(`'relationships' must be an object.`, '/data/relationships') };
  const unknownRelationship = unknownKey(relationships, JOB_RELATIONSHIP_KEYS, '/data/relationships');
  if (unknownRelationship !== undefined) return { error: unknownRelationship };
  const lists = relationships.lists;
  if (lists === undefined) return { listIds: [] };
  if (!isPlainObject(lists) || !Array.isArray(lists.data)) {
    return { error: invalid(`'lists' must have a 'data' array.`, '/data/relationships/lists') };
  }
  const listIds: string[] = [];
  for (const [index, item] of lists.data.entries()) {
    const pointer = `/data/relationships/lists/data/${index}`;
    if (!isPlainObject(item) || item.type !== 'list') return { error: invalid(`The type must be 'list'.`, `${pointer}/type`) };
    if (typeof item.id !== 'string') return { error: invalid(`'id' must be a string.`, `${pointer}/id`) };
    listIds.push(item.id);
  }
  return { listIds };
}

export function validateImportRequest(body: unknown): ImportRequestValidation {
  if (!isPlainObject(body) || !isPlainObject(body.data)) return refuse([invalid(`'data' is required.`, '/data')]);
  const data = body.data;
  if (data.type !== JOB_RESOURCE) {
    return refuse([invalid(`The type must be 'profile-bulk-import-job'.`, '/data/type')]);
  }
  const attributes = data.attributes;
  const unknownTopKey =
    unknownKey(data, JOB_KEYS, '/data') ??
    (isPlainObject(attributes) ? unknownKey(attributes, JOB_ATTRIBUTE_KEYS, '/data/attributes') : undefined);
  if (unknownTopKey !== undefined) return refuse([unknownTopKey]);
  if (!isPlainObject(attributes) || !isPlainObject(attributes.profiles) || !Array.isArray(attributes.profiles.data)) {
    return refuse([invalid(`'profiles' must have a 'data' array.`, '/data/attributes/profiles')]);
  }
  const resources: unknown[] = attributes.profiles.data;
  if (resources.length === 0) return refuse([invalid('At least one profile is required.', PROFILES_POINTER)]);
  if (resources.length > MAX_PROFILES_PER_JOB) {
    return refuse([
      invalid(`At most ${MAX_PROFILES_PER_JOB} profiles are allowed per request; got ${resources.length}.`, PROFILES_POINTER),
    ]);
  }
  const lists = checkListIds(data.relationships);
  if ('error' in lists) return refuse([lists.error]);

  const errors: JsonApiError[] = [];
  const profiles: ProfileAttributes[] = new Array<ProfileAttributes>(resources.length);
  for (let index = 0; index < resources.length; index += 1) {
    const resource = resources[index];
    const error = checkProfile(resource, index);
    if (error !== undefined) errors.push(error);
    else profiles[index] = (resource as { attributes: ProfileAttributes }).attributes;
  }
  if (errors.length > 0) return refuse(errors);
  return { isValid: true, request: { profiles, listIds: lists.listIds } };
}
