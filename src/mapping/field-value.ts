import type { ProfileAttributes } from './profile-schema.js';

export type PropertyValue = NonNullable<ProfileAttributes['properties']>[string];

/** A JSON object or array where Klaviyo expects text: the field is left out with a warning. */
export const NOT_TEXT = Symbol('not text');

/**
 * A value for one of Klaviyo's text fields. CSV gives strings; JSON may give numbers and booleans,
 * which Klaviyo would refuse in a string field, so they become their JSON text (`42`, `true`).
 * Blank and null become undefined: Klaviyo cannot clear a field, so there is nothing to send.
 */
export function readTextValue(raw: unknown): string | undefined | typeof NOT_TEXT {
  switch (typeof raw) {
    case 'string': {
      const text = raw.trim();
      return text === '' ? undefined : text;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(raw);
    case 'undefined':
      return undefined;
    default:
      return raw === null ? undefined : NOT_TEXT;
  }
}

/** A custom property keeps its JSON type (Klaviyo stores numbers and booleans as such); strings are trimmed. */
export function readPropertyValue(raw: unknown): PropertyValue | undefined {
  if (typeof raw === 'string') {
    const text = raw.trim();
    return text === '' ? undefined : text;
  }
  if (raw === null || raw === undefined) return undefined;
  // Records come from a CSV or JSON parser, so anything else is already a JSON value.
  return raw as PropertyValue;
}
