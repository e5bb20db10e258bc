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

/**
 * What spreadsheets and database exports write for "no value". Matched against the whole trimmed
 * value, ignoring case, so `NA` is a marker but `Nadia` or `N/A yet` are not. An email that is one
 * of them is a blank email, not an invalid one; in a profile field it is left out like a blank.
 *
 * Custom properties keep them as written: their meaning is the user's own (`NA` may be the
 * region North America, `none` a plan name), and Klaviyo segments match their exact values.
 */
const NO_VALUE_MARKERS: ReadonlySet<string> = new Set(['null', 'n/a', 'na', 'none', '-', '#n/a']);

/** `NA` is also a place code (Namibia, Navarra, Naples): a country or region keeps it. */
const PLACE_CODE_NO_VALUE_MARKERS: ReadonlySet<string> = new Set([...NO_VALUE_MARKERS].filter((marker) => marker !== 'na'));

/** Longer values skip the set lookup and its lower-casing: the check runs for every mapped value. */
const LONGEST_NO_VALUE_MARKER = 4;

export type NoValueMarkers = ReadonlySet<string>;

/** The markers that mean "no value" for `target` (a MappingTarget other than a custom property). */
export function noValueMarkersFor(target: string): NoValueMarkers {
  return target === 'location.country' || target === 'location.region' ? PLACE_CODE_NO_VALUE_MARKERS : NO_VALUE_MARKERS;
}

/** True when trimmed `text` says "no value" (`NULL`, `N/A`, `none`, `-`, ...). */
export function isNoValueMarker(text: string, markers: NoValueMarkers = NO_VALUE_MARKERS): boolean {
  return text.length <= LONGEST_NO_VALUE_MARKER && markers.has(text.toLowerCase());
}
