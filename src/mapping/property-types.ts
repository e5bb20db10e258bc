import { isNoValueMarker } from './field-value.js';

/**
 * The type a CSV column's custom property values are sent as. CSV holds only text, so a column
 * becomes numbers, booleans or dates only when every non-empty value of the whole file agrees;
 * one value that does not makes the whole column text, as written. Deciding needs the whole file:
 * the values are written provisionally while it is read (see deferred-property-values.ts) and
 * settled once it has been read, before anything is sent.
 */
export type PropertyType = 'number' | 'boolean' | 'date' | 'text';

/** What one trimmed, non-empty value could be. */
type ValueKind = 'number' | 'boolean' | 'date' | 'no-value' | 'text';

/**
 * A JSON number as written, and only one a double holds as it is: `007` (a ZIP code, an id) is
 * not a JSON number, and an integer past 2^53 would arrive at Klaviyo as another number.
 */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false|yes|no)$/i;
const TRUE = /^(?:true|yes)$/i;
const FALSE_JSON_BYTES = 'false'.length;

/** `2024-03-05`, `2024/03/05`, with an optional time `14:30`, `14:30:15.250`, and offset `Z`, `+02:00`, `-0500`. */
const YEAR_FIRST = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** `03/25/2024` or `25/03/2024` (the whole column tells which), `25.03.2024` (day first); optional time. */
const DAY_OR_MONTH_FIRST = /^(\d{1,2})([/.])(\d{1,2})[/.](\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?$/;

/** What the date values of a column allow: slash dates are month-first, day-first, or either while no value tells. */
interface DateOrders {
  monthFirst: boolean;
  dayFirst: boolean;
  hasSlashDates: boolean;
}

interface DateValue {
  readonly monthFirst: boolean;
  readonly dayFirst: boolean;
  readonly isSlash: boolean;
  /** The length of its ISO 8601 form (without quotes), whichever order the column settles on. */
  readonly isoLength: number;
}

/** `2024-03-25`, the usual case, both orders allowed. */
const ISO_DATE: DateValue = { monthFirst: true, dayFirst: true, isSlash: false, isoLength: 10 };

/** The date `text` is, with the orders it allows, or undefined when it is not a valid date. */
function parseDate(text: string): DateValue | undefined {
  // Most date columns are ISO dates: told apart without a regular expression or an allocation.
  if (text.length === 10 && text.charCodeAt(4) === DASH && text.charCodeAt(7) === DASH) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 2);
    const day = digitsAt(text, 8, 2);
    return year >= 0 && month >= 0 && day >= 0 && isCalendarDate(year, month, day) ? ISO_DATE : undefined;
  }
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) {
    const [, year, month, day, hour, minute, second, fraction, offset] = yearFirst;
    if (!isCalendarDate(Number(year), Number(month), Number(day)) || !isClockTime(hour, minute, second)) return undefined;
    return { monthFirst: true, dayFirst: true, isSlash: false, isoLength: isoLength(hour, fraction, offset) };
  }
  const other = DAY_OR_MONTH_FIRST.exec(text);
  if (!other) return undefined;
  const [, first, separator, second, year, hour, minute, seconds, fraction] = other;
  if (!isClockTime(hour, minute, seconds)) return undefined;
  const length = isoLength(hour, fraction, undefined);
  const dayFirst = isCalendarDate(Number(year), Number(second), Number(first));
  if (separator === '.') return dayFirst ? { monthFirst: false, dayFirst: true, isSlash: false, isoLength: length } : undefined;
  const monthFirst = isCalendarDate(Number(year), Number(first), Number(second));
  return monthFirst || dayFirst ? { monthFirst, dayFirst, isSlash: true, isoLength: length } : undefined;
}

const DASH = 0x2d;

/** The number the `count` digits at `start` write, or -1 when one is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let at = start; at < start + count; at++) {
    const digit = text.charCodeAt(at) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `2024-03-25` is 10 characters; a time adds `T14:30:00` and its fraction and offset (`+02:00`). */
function isoLength(hour: string | undefined, fraction: string | undefined, offset: string | undefined): number {
  if (hour === undefined) return 10;
  return 19 + (fraction?.length ?? 0) + (offset === undefined ? 0 : offset === 'Z' ? 1 : 6);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const isLeapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && isLeapYear ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function isClockTime(hour: string | undefined, minute: string | undefined, second: string | undefined): boolean {
  if (hour === undefined) return true;
  return Number(hour) < 24 && Number(minute) < 60 && (second === undefined || Number(second) < 60);
}

function isNumber(text: string): boolean {
  if (!NUMBER.test(text)) return false;
  const value = Number(text);
  return Number.isFinite(value) && (/[.eE]/.test(text) || Number.isSafeInteger(value));
}

type ClassifiedValue = { readonly kind: 'number' | 'boolean' | 'no-value' | 'text' } | { readonly kind: 'date'; readonly date: DateValue };

const NUMBER_VALUE = { kind: 'number' } as const;
const BOOLEAN_VALUE = { kind: 'boolean' } as const;
const NO_VALUE = { kind: 'no-value' } as const;
const TEXT_VALUE = { kind: 'text' } as const;
const ISO_DATE_VALUE = { kind: 'date', date: ISO_DATE } as const;

/** What one trimmed, non-empty CSV value could be. A no-value marker (`NULL`, `N/A`) is left for its column to decide. */
function classify(text: string): ClassifiedValue {
  const first = text.charCodeAt(0);
  const startsLikeNumber = first === 0x2d || (first >= 0x30 && first <= 0x39);
  if (startsLikeNumber) {
    if (isNumber(text)) return NUMBER_VALUE;
    const date = parseDate(text);
    if (date === ISO_DATE) return ISO_DATE_VALUE;
    if (date !== undefined) return { kind: 'date', date };
  }
  if (BOOLEAN.test(text)) return BOOLEAN_VALUE;
  return isNoValueMarker(text) ? NO_VALUE : TEXT_VALUE;
}

/** The kind of one trimmed, non-empty CSV value, for tests and messages. */
export function kindOfValue(text: string): ValueKind {
  return classify(text).kind;
}

/**
 * Follows one CSV property column through the file: `observe` each non-empty value in turn, in
 * file order; `type` is the column's type once the whole file was observed.
 */
export class PropertyColumnType {
  #kind: Exclude<ValueKind, 'no-value'> | undefined;
  readonly #orders: DateOrders = { monthFirst: true, dayFirst: true, hasSlashDates: false };

  /**
   * Takes one trimmed, non-empty value into account. Returns the bytes to keep for the value's
   * JSON until the column's type is settled (the most typedJson may need), or undefined once the
   * column is text: the value is then written as text at once.
   */
  observe(text: string): number | undefined {
    if (this.#kind === 'text') return undefined;
    const value = classify(text);
    if (value.kind === 'date') this.#observeDate(value.date);
    if (value.kind !== 'no-value') {
      if (this.#kind === undefined) this.#kind = value.kind;
      else if (this.#kind !== value.kind) this.#kind = 'text';
    }
    if (this.#kind === 'text') return undefined;
    const quoted = text.length + 2;
    if (value.kind === 'boolean') return Math.max(quoted, FALSE_JSON_BYTES);
    if (value.kind === 'date') return Math.max(quoted, value.date.isoLength + 2);
    return quoted;
  }

  #observeDate(date: DateValue): void {
    this.#orders.monthFirst &&= date.monthFirst;
    this.#orders.dayFirst &&= date.dayFirst;
    if (date.isSlash) this.#orders.hasSlashDates = true;
    // No order fits every slash date: they are not dates.
    if (!this.#orders.monthFirst && !this.#orders.dayFirst) this.#kind = 'text';
  }

  /** The column's type: a column of no-value markers only, or of slash dates no value tells the order of, is text. */
  get type(): SettledType {
    if (this.#kind === undefined || this.#kind === 'text') return { type: 'text' };
    if (this.#kind !== 'date') return { type: this.#kind };
    const { monthFirst, dayFirst, hasSlashDates } = this.#orders;
    if (hasSlashDates && monthFirst && dayFirst) return { type: 'text' };
    return { type: 'date', isDayFirst: !monthFirst };
  }
}

/** A column's type, and for dates the order its slash dates are in. */
export type SettledType = { readonly type: Exclude<PropertyType, 'date'> } | { readonly type: 'date'; readonly isDayFirst: boolean };

/**
 * The JSON a value is sent as once its column's type is settled: a number as written, `true` or
 * `false`, an ISO 8601 date (`2024-03-25`, `2024-03-25T14:30:00`, offset kept), or the text
 * quoted; undefined for a no-value marker in a typed column (nothing is sent for it).
 */
export function typedJson(text: string, settled: SettledType): string | undefined {
  if (settled.type === 'text') return `"${text}"`;
  if (isNoValueMarker(text)) return undefined;
  switch (settled.type) {
    case 'number':
      return text;
    case 'boolean':
      return TRUE.test(text) ? 'true' : 'false';
    case 'date':
      return `"${isoDate(text, settled.isDayFirst)}"`;
  }
}

function isoDate(text: string, isDayFirst: boolean): string {
  let year: string, month: string, day: string, time: string[];
  const yearFirst = YEAR_FIRST.exec(text);
  if (yearFirst) {
    [year, month, day] = yearFirst.slice(1, 4) as [string, string, string];
    time = yearFirst.slice(4);
  } else {
    const [, first, separator, second, fourDigits, ...rest] = DAY_OR_MONTH_FIRST.exec(text)!;
    year = fourDigits!;
    [day, month] = separator === '.' || isDayFirst ? [first!, second!] : [second!, first!];
    time = rest;
  }
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const [hour, minute, second, fraction, offset] = time;
  if (hour === undefined) return date;
  const clock = `${hour.padStart(2, '0')}:${minute}:${second ?? '00'}${fraction ?? ''}`;
  return `${date}T${clock}${offset === undefined ? '' : isoOffset(offset)}`;
}

/** `Z`, `+02:00`; `+0200` becomes `+02:00`. */
function isoOffset(offset: string): string {
  return offset === 'Z' || offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}
