import type { PropertyValue } from './field-value.js';

/**
 * Text that is its own JSON (inside quotes) and has one UTF-8 byte per character: printable ASCII
 * other than `"` and `\`. Anything else goes through JSON.stringify.
 */
const NEEDS_ESCAPING_OR_MULTIBYTE = /[^ !#-[\]-~]/;

/** A member name, written once per run: `"city":`. */
export interface JsonMemberName {
  readonly json: string;
  readonly isPlainAscii: boolean;
}

export function jsonMemberName(name: string): JsonMemberName {
  return { json: `${JSON.stringify(name)}:`, isPlainAscii: !NEEDS_ESCAPING_OR_MULTIBYTE.test(name) };
}

/**
 * Writes one profile's attributes as JSON, `{"email":...}`, without building the attributes object
 * first. The text is exactly JSON.stringify of the object the same calls would build (members in
 * call order, `location` and `properties` last), as long as property names arrive in
 * JSON.stringify's key order (see orderPropertyNames) and no provisional value was written (those
 * add a tab and spaces, JSON whitespace, until they are settled: see provisional-values.ts). With the fields of `npm run bench:read`,
 * JSON.stringify of the whole object was the largest cost of mapping a row.
 *
 * It also knows the UTF-8 size for free when every character written is plain ASCII, which is the
 * common case; the export needs that size for every profile.
 *
 * One writer serves one row at a time: `start`, the `add` calls, then `finish`.
 */
export class ProfileAttributesWriter {
  private attributes = '';
  private location = '';
  private properties = '';
  private isPlainAscii = true;

  start(email: string): void {
    this.isPlainAscii = true;
    this.attributes = `{"email":${this.quote(email)}`;
    this.location = '';
    this.properties = '';
  }

  addAttribute(name: JsonMemberName, text: string): void {
    this.attributes += `,${this.name(name)}${this.quote(text)}`;
  }

  addLocation(name: JsonMemberName, text: string): void {
    this.location += `${this.location === '' ? '' : ','}${this.name(name)}${this.quote(text)}`;
  }

  addProperty(name: JsonMemberName, value: PropertyValue): void {
    let json: string;
    if (typeof value === 'string') {
      json = this.quote(value);
    } else {
      json = JSON.stringify(value);
      this.isPlainAscii = false;
    }
    this.properties += `${this.properties === '' ? '' : ','}${this.name(name)}${json}`;
  }

  /**
   * A CSV property value whose type waits for its whole column (see provisional-values.ts): a tab,
   * the quoted text, and spaces up to `bytes` in all after the tab. `text` is plain ASCII without
   * quotes or backslashes (a number, a boolean, a date or a no-value marker), so it needs no escaping.
   */
  addProvisionalProperty(name: JsonMemberName, text: string, bytes: number): void {
    const json = `"${text}"`;
    const padding = bytes > json.length ? ' '.repeat(bytes - json.length) : '';
    this.properties += `${this.properties === '' ? '' : ','}${this.name(name)}\t${json}${padding}`;
  }

  /** The finished attributes JSON; read `byteLength` before the next `start`. */
  finish(): string {
    let json = this.attributes;
    if (this.location !== '') json += `,"location":{${this.location}}`;
    if (this.properties !== '') json += `,"properties":{${this.properties}}`;
    json += '}';
    // Reading a character makes V8 flatten the concatenation into one string. Left as a tree of
    // its pieces, each profile held by a batch took half as much memory again and more GC time.
    json.charCodeAt(0);
    return json;
  }

  /** UTF-8 size of `json`, the string `finish` just returned. */
  byteLength(json: string): number {
    return this.isPlainAscii ? json.length : Buffer.byteLength(json, 'utf8');
  }

  private name(name: JsonMemberName): string {
    if (!name.isPlainAscii) this.isPlainAscii = false;
    return name.json;
  }

  private quote(text: string): string {
    if (!NEEDS_ESCAPING_OR_MULTIBYTE.test(text)) return `"${text}"`;
    this.isPlainAscii = false;
    return JSON.stringify(text);
  }
}

/**
 * The order in which JSON.stringify writes an object's members: names that are array indices
 * ("0", "17", at most 2^32 - 2) first, ascending, then the others in the order they were added.
 */
export function orderPropertyNames<T extends { readonly name: string }>(fields: readonly T[]): T[] {
  const indices = fields.filter((field) => isArrayIndex(field.name));
  indices.sort((a, b) => Number(a.name) - Number(b.name));
  return [...indices, ...fields.filter((field) => !isArrayIndex(field.name))];
}

const MAX_ARRAY_INDEX = 2 ** 32 - 2;

function isArrayIndex(name: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(name) && Number(name) <= MAX_ARRAY_INDEX;
}
