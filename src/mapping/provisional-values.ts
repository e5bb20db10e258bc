import { InternalError } from '../errors.js';
import { jsonMemberName } from './profile-attributes-writer.js';
import { typedJson, type PropertyType, type SettledType } from './property-types.js';

/**
 * A CSV property value whose type waits for the whole column is written while the file is read as
 * a provisional value: a tab, the value as JSON text, and spaces up to the most bytes its typed
 * JSON may take (`"Orders":\t"12"`, `"Since":\t"03/25/2024"  `). Once the file is read, each is
 * settled in place, in the staged request bodies, to its typed JSON padded with spaces (`12`,
 * `"2024-03-25"`), or to nothing for a no-value marker in a typed column (the member is blanked).
 * A settled body is as long as the provisional one, so batch sizes planned while reading stay exact.
 *
 * The tab is a safe mark: JSON allows it between tokens, and the attributes writer escapes every
 * tab inside a string (`\t`), so a raw tab in a body is always the start of a provisional value.
 */
export const PROVISIONAL_MARK = '\t';

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const DASH = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The settled type of each CSV property column, by property name: plain data (reports, the checkpoint fingerprint). */
export interface SettledPropertyType {
  readonly name: string;
  readonly type: PropertyType;
  /** Dates only: slash dates are day first (`25/03/2024`). */
  readonly isDayFirst?: boolean;
}

/** Settles the provisional values of a request body (or one profile's attributes) in place; returns it. */
export function settleProvisionalValues(json: Buffer, types: readonly SettledPropertyType[]): Buffer {
  let at = json.indexOf(TAB);
  if (at === -1) return json;
  // Keyed by the name's UTF-8 bytes read as latin1: one byte per character, the cheapest decoding.
  const byMember = new Map(types.map((type) => [Buffer.from(jsonMemberName(type.name).json).toString('latin1'), settledOf(type)]));
  for (; at !== -1; at = json.indexOf(TAB, at + 1)) {
    // An ISO date (`"2024-03-25"`) is sent as written whether its column settled on date or text,
    // the only two a column holding it can be: no need to find which column it is.
    if (isIsoDateAt(json, at + 1)) {
      json[at] = SPACE;
      continue;
    }
    // `"name":` stands just before the tab.
    const nameStart = openingQuoteOf(json, at - 2);
    const settled = byMember.get(json.toString('latin1', nameStart, at));
    if (settled === undefined) throw new InternalError('A provisional property value has no settled type.');
    const closingQuote = json.indexOf(QUOTE, at + 2);
    let end = closingQuote + 1;
    while (json[end] === SPACE) end++;
    const typed = typedJson(json.toString('latin1', at + 2, closingQuote), settled);
    if (typed === undefined) {
      blankMember(json, nameStart, end);
    } else {
      json.write(typed, at, 'latin1');
      json.fill(SPACE, at + typed.length, end);
    }
    at = end - 1;
  }
  return json;
}

/** The same for one profile's attributes JSON as text. */
export function settleAttributesJson(attributesJson: string, types: readonly SettledPropertyType[]): string {
  return attributesJson.includes(PROVISIONAL_MARK)
    ? settleProvisionalValues(Buffer.from(attributesJson, 'utf8'), types).toString('utf8')
    : attributesJson;
}

const ISO_DATE_DIGITS = [1, 2, 3, 4, 6, 7, 9, 10];

/** `"YYYY-MM-DD"` at `at`, quotes included. */
function isIsoDateAt(json: Buffer, at: number): boolean {
  if (json[at] !== QUOTE || json[at + 11] !== QUOTE || json[at + 5] !== DASH || json[at + 8] !== DASH) return false;
  for (const offset of ISO_DATE_DIGITS) {
    const byte = json[at + offset]!;
    if (byte < DIGIT_0 || byte > DIGIT_9) return false;
  }
  return true;
}

function settledOf(type: SettledPropertyType): SettledType {
  return type.type === 'date' ? { type: 'date', isDayFirst: type.isDayFirst === true } : { type: type.type };
}

/** Where the JSON string that closes at `closingQuote` opens: the first quote before it that no backslash escapes. */
function openingQuoteOf(json: Buffer, closingQuote: number): number {
  for (let at = json.lastIndexOf(QUOTE, closingQuote - 1); at >= 0; at = json.lastIndexOf(QUOTE, at - 1)) {
    let backslashes = 0;
    while (json[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  throw new InternalError('A provisional property value is not preceded by its name.');
}

/** Turns a member (from its name to `end`) and one comma beside it into spaces: `{"a":1,  "b":2}` stays valid JSON. */
function blankMember(json: Buffer, nameStart: number, end: number): void {
  let before = nameStart - 1;
  while (json[before] === SPACE) before--;
  if (json[before] === COMMA) {
    json.fill(SPACE, before, end);
    return;
  }
  // The object's first member: the comma after it goes instead.
  json.fill(SPACE, nameStart, end);
  if (json[end] === COMMA) json[end] = SPACE;
}
