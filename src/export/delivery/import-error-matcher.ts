import { profileIndexFromPointer } from '../../klaviyo/klaviyo-client.js';

/**
 * Ties an import error to the profile it refused, by what was sent. `original_payload` is "the
 * profile as sent", so it is matched first: by email (case-insensitively), then phone number, then
 * external id. Klaviyo does not document what an import error's `source.pointer` counts (the
 * spec's example is just `/data`), so it is used only when the payload is absent or carries no
 * identifier, or to choose among profiles that share a phone number or external id. An error the
 * payload ties to no sent profile is unattributed: never guessed, never dropped.
 */
export class ImportErrorMatcher {
  readonly #count: number;
  readonly #byIdentifier: Record<Identifier, Map<string, number[]>> = {
    email: new Map(),
    phone_number: new Map(),
    external_id: new Map(),
  };

  /** `sent`: the request's profile resources, in the order they were sent. */
  constructor(sent: readonly { attributes?: Record<string, unknown> }[]) {
    this.#count = sent.length;
    sent.forEach((resource, index) => {
      for (const [kind, value] of identifiersOf(resource.attributes)) {
        const indices = this.#byIdentifier[kind].get(value);
        if (indices) indices.push(index);
        else this.#byIdentifier[kind].set(value, [index]);
      }
    });
  }

  /** The index, in the request, of the profile this error refused; undefined when none can be told. */
  match(error: { pointer?: string; originalPayload?: unknown }): number | undefined {
    const pointed = profileIndexFromPointer(error.pointer);
    const pointerIndex = pointed !== undefined && pointed < this.#count ? pointed : undefined;
    const identifiers = identifiersOf(attributesOf(error.originalPayload));
    if (identifiers.length === 0) return pointerIndex;
    for (const [kind, value] of identifiers) {
      const indices = this.#byIdentifier[kind].get(value);
      if (indices === undefined) continue;
      return pointerIndex !== undefined && indices.includes(pointerIndex) ? pointerIndex : indices[0];
    }
    return undefined;
  }
}

type Identifier = 'email' | 'phone_number' | 'external_id';
const IDENTIFIERS: readonly Identifier[] = ['email', 'phone_number', 'external_id'];

function identifiersOf(attributes: Record<string, unknown> | undefined): [Identifier, string][] {
  if (attributes === undefined) return [];
  const found: [Identifier, string][] = [];
  for (const kind of IDENTIFIERS) {
    const value = attributes[kind];
    if (typeof value !== 'string' || value.trim() === '') continue;
    found.push([kind, kind === 'email' ? value.trim().toLowerCase() : value.trim()]);
  }
  return found;
}

/** The payload as a profile's attributes, whether Klaviyo sends the resource or only its attributes. */
function attributesOf(payload: unknown): Record<string, unknown> | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const record = payload as Record<string, unknown>;
  const nested = record.attributes;
  if (typeof nested === 'object' && nested !== null && !Array.isArray(nested)) return nested as Record<string, unknown>;
  return record;
}
