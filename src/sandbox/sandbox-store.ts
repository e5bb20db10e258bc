import type { ProfileAttributes } from './profile-validation.js';

export interface StoredProfile {
  /** Formatted by `profileId`: building a string per profile costs too much in the benchmark. */
  number: number;
  attributes: ProfileAttributes;
  createdAt: number;
  updatedAt: number;
  /** Ids of the lists the profile belongs to. */
  listIds: string[];
}

export interface StoredList {
  id: string;
  name: string;
  createdAt: number;
  /** In the order they joined. */
  members: StoredProfile[];
  /** When each member joined (`joined_group_at`), index for index with `members`. */
  joinedAt: number[];
  /** Spec: list `opt_in_process`. Double opt-in: subscribing sends a confirmation email first. */
  optInProcess: 'double_opt_in' | 'single_opt_in';
}

/** Profile ids look like Klaviyo's 26-character ULIDs and are unique within the sandbox. */
export function profileId(profile: StoredProfile): string {
  return `01SANDBX${profile.number.toString(32).toUpperCase().padStart(18, '0')}`;
}

/** The `number` of a profile id made by `profileId`, or undefined for any other text. */
export function profileNumberOf(id: string): number | undefined {
  const match = /^01SANDBX([0-9A-V]{18})$/.exec(id);
  if (match === null) return undefined;
  const number = parseInt(match[1] ?? '', 32);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** Fields merged key by key on upsert rather than replaced. */
const MERGED_OBJECT_FIELDS = new Set(['properties', 'location']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Identifier = 'email' | 'phone_number' | 'external_id';

/**
 * Bulk import is an upsert keyed by identifiers: the lower-cased email, else the phone number,
 * else the external id. A null never clears a stored value (Klaviyo: "cannot clear a field by
 * sending null").
 */
export function profileIdentifier(attributes: ProfileAttributes): { kind: Identifier; value: string } | undefined {
  const { email, phone_number: phone, external_id: externalId } = attributes;
  if (typeof email === 'string' && email.length > 0) return { kind: 'email', value: email.toLowerCase() };
  if (typeof phone === 'string' && phone.length > 0) return { kind: 'phone_number', value: phone };
  if (typeof externalId === 'string' && externalId.length > 0) return { kind: 'external_id', value: externalId };
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
  readonly #profilesBy: Record<Identifier, Map<string, StoredProfile>> = {
    email: new Map(),
    phone_number: new Map(),
    external_id: new Map(),
  };
  readonly #lists = new Map<string, StoredList>();
  /** Per list, each member's position in `members`: a filter by email must not scan the list. */
  readonly #memberPositions = new Map<string, Map<StoredProfile, number>>();
  #profileCount = 0;

  constructor(lists: readonly { id: string; name: string; optInProcess?: 'double_opt_in' | 'single_opt_in' }[], now: number) {
    for (const { id, name, optInProcess = 'single_opt_in' } of lists) {
      this.#lists.set(id, { id, name, createdAt: now, members: [], joinedAt: [], optInProcess });
    }
  }

  lists(): StoredList[] {
    return [...this.#lists.values()];
  }

  list(id: string): StoredList | undefined {
    return this.#lists.get(id);
  }

  profileCount(): number {
    return this.#profileCount;
  }

  /** Returns the stored profile, or undefined when it has no identifier (validation prevents that). */
  upsertProfile(attributes: ProfileAttributes, now: number): StoredProfile | undefined {
    const identifier = profileIdentifier(attributes);
    if (identifier === undefined) return undefined;
    const profiles = this.#profilesBy[identifier.kind];
    const existing = profiles.get(identifier.value);
    if (existing !== undefined) {
      mergeAttributes(existing.attributes, attributes);
      existing.updatedAt = now;
      return existing;
    }
    const stored: ProfileAttributes = {};
    mergeAttributes(stored, attributes);
    this.#profileCount += 1;
    const profile = { number: this.#profileCount, attributes: stored, createdAt: now, updatedAt: now, listIds: [] };
    profiles.set(identifier.value, profile);
    return profile;
  }

  addMember(list: StoredList, profile: StoredProfile, now: number): void {
    if (profile.listIds.includes(list.id)) return;
    profile.listIds.push(list.id);
    let positions = this.#memberPositions.get(list.id);
    if (positions === undefined) {
      positions = new Map<StoredProfile, number>();
      this.#memberPositions.set(list.id, positions);
    }
    positions.set(profile, list.members.length);
    list.members.push(profile);
    list.joinedAt.push(now);
  }

  /** The profile whose (lower-cased) email this is, if any. */
  profileByEmail(email: string): StoredProfile | undefined {
    return this.#profilesBy.email.get(email.toLowerCase());
  }

  /** Every profile, each once (a profile is keyed by its first identifier only). */
  *profiles(): Iterable<StoredProfile> {
    yield* this.#profilesBy.email.values();
    yield* this.#profilesBy.phone_number.values();
    yield* this.#profilesBy.external_id.values();
  }

  /** Removes these profiles (by `number`) from the list; non-members are ignored. Returns how many left it. */
  dropMembers(list: StoredList, profileNumbers: ReadonlySet<number>): number {
    const members: StoredProfile[] = [];
    const joinedAt: number[] = [];
    let removed = 0;
    list.members.forEach((profile, index) => {
      if (profileNumbers.has(profile.number)) {
        profile.listIds = profile.listIds.filter((id) => id !== list.id);
        removed += 1;
      } else {
        members.push(profile);
        joinedAt.push(list.joinedAt[index] ?? 0);
      }
    });
    list.members = members;
    list.joinedAt = joinedAt;
    if (removed > 0) this.#memberPositions.set(list.id, new Map(members.map((profile, position) => [profile, position])));
    return removed;
  }

  /** The member of the list with this email (any case) and its position in `members`, if any. */
  memberByEmail(list: StoredList, email: string): { profile: StoredProfile; position: number } | undefined {
    const profile = this.#profilesBy.email.get(email.toLowerCase());
    const position = profile === undefined ? undefined : this.#memberPositions.get(list.id)?.get(profile);
    return profile === undefined || position === undefined ? undefined : { profile, position };
  }

  memberEmails(listId: string): string[] {
    const members = this.#lists.get(listId)?.members ?? [];
    const emails: string[] = [];
    for (const { attributes } of members) {
      if (typeof attributes.email === 'string') emails.push(attributes.email.toLowerCase());
    }
    return emails;
  }
}
