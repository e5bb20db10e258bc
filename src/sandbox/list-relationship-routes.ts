import { failWith, type ApiResponse } from './json-api.js';
import { findList } from './list-routes.js';
import { isApiResponse } from './query-params.js';
import type { RouteHandler } from './route-context.js';
import { profileNumberOf } from './sandbox-store.js';

/**
 * DELETE /api/lists/{id}/relationships/profiles (spec: remove_profiles_from_list,
 * ListMembersDeleteQuery): `{"data":[{"type":"profile","id":"..."}]}`, answered 204 with no body.
 * Removing a profile leaves the profile and its consent alone. An id that is not a member (or no
 * profile at all) changes nothing, so a retried or resumed removal is harmless.
 */

/** Spec, remove_profiles_from_list: "This endpoint accepts a maximum of 1000 profiles per call." */
export const MAX_PROFILES_PER_REMOVAL = 1000;

function invalidBody(detail: string, pointer: string): ApiResponse {
  return failWith(400, 'invalid', 'Invalid input.', detail, { pointer });
}

/** The ids to remove, or the 400 to send. */
function parseRemovalBody(body: unknown): string[] | ApiResponse {
  const data: unknown = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return invalidBody("'data' is a required field and must be an array.", '/data');
  if (data.length === 0) return invalidBody("'data' must contain at least one profile.", '/data');
  if (data.length > MAX_PROFILES_PER_REMOVAL) {
    return invalidBody(`A maximum of ${MAX_PROFILES_PER_REMOVAL} profiles may be removed per call, not ${data.length}.`, '/data');
  }
  const ids: string[] = [];
  for (const [index, item] of data.entries()) {
    const { type, id } = (typeof item === 'object' && item !== null ? item : {}) as { type?: unknown; id?: unknown };
    if (type !== 'profile') return invalidBody(`'type' must be 'profile'.`, `/data/${index}/type`);
    if (typeof id !== 'string' || id === '') return invalidBody(`'id' is a required field.`, `/data/${index}/id`);
    ids.push(id);
  }
  return ids;
}

export const removeProfilesFromList: RouteHandler = (request, state) => {
  const list = findList(state.store, request.params.id);
  if (isApiResponse(list)) return list;
  const ids = parseRemovalBody(request.body);
  if (!Array.isArray(ids)) return ids;
  const numbers = new Set<number>();
  for (const id of ids) {
    const number = profileNumberOf(id);
    if (number !== undefined) numbers.add(number);
  }
  state.store.dropMembers(list, numbers);
  return { status: 204 };
};
