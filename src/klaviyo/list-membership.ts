import { z } from 'zod';
import type { ClientCore } from './client-core.js';

/**
 * A list's members: reading them (`GET /api/lists/{id}/profiles`) and removing some
 * (`DELETE /api/lists/{id}/relationships/profiles`). Removing leaves the profile and its consent alone.
 * https://developers.klaviyo.com/en/reference/get_profiles_for_list
 * https://developers.klaviyo.com/en/reference/remove_profiles_from_list
 */

/** Spec, remove_profiles_from_list: "This endpoint accepts a maximum of 1000 profiles per call." */
export const MAX_PROFILES_PER_REMOVAL = 1000;
/** Spec, get_profiles_for_list `page[size]`: "Max: 100." */
export const LIST_MEMBERS_PAGE_SIZE = 100;

const listCountSchema = z.object({
  data: z.object({ id: z.string(), attributes: z.object({ profile_count: z.number().int().nonnegative().nullish() }) }),
});

const memberPageSchema = z.object({
  data: z.array(z.object({ id: z.string(), attributes: z.object({ email: z.string().nullish() }).nullish() })),
  links: z.object({ next: z.string().nullish() }).nullish(),
});

export interface ListMemberRef {
  readonly profileId: string;
  /** Lower-cased; undefined for a member known by phone number or external id only. */
  readonly email: string | undefined;
}

export interface ListMembership {
  /** The list's member count (`additional-fields[list]=profile_count`, its own limit: 1/s, 15/min); undefined if Klaviyo gives none. */
  countListMembers(listId: string): Promise<number | undefined>;
  /** Every member of the list, page by page (100 a request, paced at the operation's 75/s, 750/min). */
  listMembers(listId: string): AsyncIterable<ListMemberRef[]>;
  /** Removes these profiles (at most MAX_PROFILES_PER_REMOVAL) from the list; ids that are not members are ignored by Klaviyo. */
  removeProfilesFromList(listId: string, profileIds: readonly string[]): Promise<void>;
}

export function createListMembership(core: ClientCore): ListMembership {
  return {
    async countListMembers(listId) {
      const query = new URLSearchParams({ 'additional-fields[list]': 'profile_count', 'fields[list]': 'profile_count' });
      const path = `/api/lists/${encodeURIComponent(listId)}?${query.toString()}`;
      const list = await core.fetchResource('get_list_profile_count', path, listCountSchema);
      return list.data.attributes.profile_count ?? undefined;
    },

    async *listMembers(listId) {
      const query = new URLSearchParams({ 'fields[profile]': 'email', 'page[size]': String(LIST_MEMBERS_PAGE_SIZE) });
      const first = `/api/lists/${encodeURIComponent(listId)}/profiles?${query.toString()}`;
      for await (const page of core.paginate('get_profiles_for_list', first, memberPageSchema)) {
        yield page.data.map((profile) => ({ profileId: profile.id, email: profile.attributes?.email?.toLowerCase() }));
      }
    },

    async removeProfilesFromList(listId, profileIds) {
      if (profileIds.length === 0) return;
      if (profileIds.length > MAX_PROFILES_PER_REMOVAL) {
        throw new RangeError(`At most ${MAX_PROFILES_PER_REMOVAL} profiles a removal, not ${profileIds.length}.`);
      }
      const pathAndQuery = `/api/lists/${encodeURIComponent(listId)}/relationships/profiles`;
      const body = JSON.stringify({ data: profileIds.map((id) => ({ type: 'profile', id })) });
      // Retrying is safe: removing a profile that is no longer a member changes nothing.
      const response = await core.runRequest({ operation: 'remove_profiles_from_list', pathAndQuery, body });
      if (response.status !== 204 && response.status !== 200) throw core.responseError('remove_profiles_from_list', pathAndQuery, response);
    },
  };
}
