import type { ProfileAttributes } from './profile-validation.js';

export interface StoredProfile {
  id: string;
  attributes: ProfileAttributes;
  createdAt: number;
  updatedAt: number;
}

export interface StoredList {
  id: string;
  name: string;
  createdAt: number;
  /** Profile keys in the order they joined; `memberKeys` makes membership checks O(1). */
  memberOrder: string[];
  memberKeys: Set<string>;
}

/** Fields merged key by key on upsert rather than replaced. */
const MERGED_OBJECT_FIELDS = new Set(['properties', 'location']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Bulk import is an upsert keyed by identifiers: the lower-cased email, else the phone number,
 * else the external id. A null never clears a stored value (Klaviyo: "cannot clear a field by
 * sending null").
 */
export function profileKey(attributes: ProfileAttributes): string | undefined {
  const { email, phone_number: phone, external_id: externalId } = attributes;
  if (typeof email === 'string' && email.length > 0) return `email:${email.toLowerCase()}`;
  if (typeof phone === 'string' && phone.length > 0) return `phone:${phone}`;
  if (typeof externalId === 'string' && externalId.length > 0) return `external:${externalId}`;
  return undefined;
}

function mergeAttributes(target: ProfileAttributes, update: ProfileAttributes): void {
  for (const key in update) {
    const value = update[key];
    if (value === null || value === undefined) continue;
    const current = target[key];
    if (MERGED_OBJECT_FIELDS.has(key) && isPlainObject(current) && isPlainObject(value)) {
      target[key] = { ...current, ...value };
    } else {
      target[key] = value;
    }
  }
}

/** The account's profiles and lists, in memory. */
export class SandboxStore {
  readonly #profiles = new Map<string, StoredProfile>();
  readonly #lists = new Map<string, StoredList>();
  #nextProfileNumber = 1;

  constructor(lists: readonly { id: string; name: string }[], now: number) {
    for (const { id, name } of lists) {
      this.#lists.set(id, { id, name, createdAt: now, memberOrder: [], memberKeys: new Set() });
    }
  }

  lists(): StoredList[] {
    return [...this.#lists.values()];
  }

  list(id: string): StoredList | undefined {
    return this.#lists.get(id);
  }

  profile(key: string): StoredProfile | undefined {
    return this.#profiles.get(key);
  }

  profileCount(): number {
    return this.#profiles.size;
  }

  /** Returns the profile's key, or undefined when it has no identifier (validation prevents that). */
  upsertProfile(attributes: ProfileAttributes, now: number): string | undefined {
    const key = profileKey(attributes);
    if (key === undefined) return undefined;
    const existing = this.#profiles.get(key);
    if (existing === undefined) {
      const stored: ProfileAttributes = {};
      mergeAttributes(stored, attributes);
      this.#profiles.set(key, { id: this.#newProfileId(), attributes: stored, createdAt: now, updatedAt: now });
    } else {
      mergeAttributes(existing.attributes, attributes);
      existing.updatedAt = now;
    }
    return key;
  }

  addMember(list: StoredList, key: string): void {
    if (list.memberKeys.has(key)) return;
    list.memberKeys.add(key);
    list.memberOrder.push(key);
  }

  memberEmails(listId: string): string[] {
    const list = this.#lists.get(listId);
    if (list === undefined) return [];
    const emails: string[] = [];
    for (const key of list.memberOrder) {
      const email = this.#profiles.get(key)?.attributes.email;
      if (typeof email === 'string') emails.push(email.toLowerCase());
    }
    return emails;
  }

  /** Profile ids look like Klaviyo's (26-character ULIDs), and are unique within the sandbox. */
  #newProfileId(): string {
    const number = this.#nextProfileNumber;
    this.#nextProfileNumber += 1;
    return `01SANDBX${number.toString(32).toUpperCase().padStart(18, '0')}`;
  }
}
