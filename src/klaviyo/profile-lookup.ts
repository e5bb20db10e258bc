import { z } from 'zod';
import type { ClientCore } from './client-core.js';
import { emailFilter, MAX_EMAILS_PER_FILTER } from './email-filter.js';

/**
 * `GET /api/profiles?filter=any(email,[...])`: the profile ids of known email addresses.
 * https://developers.klaviyo.com/en/reference/get_profiles
 */

/** Spec, get_profiles `page[size]`: "Default: 20. Min: 1. Max: 100." One page answers a full lookup. */
const LOOKUP_PAGE_SIZE = 100;

const profilePageSchema = z.object({
  data: z.array(z.object({ id: z.string(), attributes: z.object({ email: z.string().nullish() }).nullish() })),
  links: z.object({ next: z.string().nullish() }).nullish(),
});

export interface ProfileIdByEmail {
  /** Lower-cased, as Klaviyo compares emails. */
  readonly email: string;
  readonly profileId: string;
}

export interface ProfileLookup {
  /**
   * The ids of the profiles with these emails (at most MAX_EMAILS_PER_FILTER); an email with no
   * profile is simply absent from the answer.
   */
  findProfileIdsByEmail(emails: readonly string[]): Promise<ProfileIdByEmail[]>;
}

export function createProfileLookup(core: ClientCore): ProfileLookup {
  return {
    async findProfileIdsByEmail(emails) {
      if (emails.length === 0) return [];
      if (emails.length > MAX_EMAILS_PER_FILTER) {
        throw new RangeError(`At most ${MAX_EMAILS_PER_FILTER} emails a lookup, not ${emails.length}.`);
      }
      const query = new URLSearchParams({
        filter: emailFilter(emails),
        'fields[profile]': 'email',
        'page[size]': String(LOOKUP_PAGE_SIZE),
      });
      const wanted = new Set(emails.map((email) => email.toLowerCase()));
      const found: ProfileIdByEmail[] = [];
      for await (const page of core.paginate('get_profiles', `/api/profiles?${query.toString()}`, profilePageSchema)) {
        for (const profile of page.data) {
          const email = profile.attributes?.email?.toLowerCase();
          // Only what was asked: an answer about another address must never lead to a removal.
          if (email !== undefined && wanted.has(email)) found.push({ email, profileId: profile.id });
        }
      }
      return found;
    },
  };
}
