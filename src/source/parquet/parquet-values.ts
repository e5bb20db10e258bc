import type { ParquetParsers } from 'hyparquet';

const MILLIS_PER_DAY = 86_400_000;
/** The widest instant a JavaScript Date holds (±100,000,000 days from 1970). */
const LARGEST_DATE_MILLIS = 8.64e15;

/**
 * How hyparquet turns Parquet's logical types into values: timestamps and dates become ISO 8601
 * text at once (`2024-03-05T14:30:00.000Z`, `2024-03-05`), which the mapping reads as dates and
 * Klaviyo stores as such; an instant beyond what a Date holds keeps its raw count as text.
 */
export const parquetParsers: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => isoInstant(Number(millis), millis),
  timestampFromMicroseconds: (micros: bigint) => isoInstant(Number(micros / 1000n), micros),
  timestampFromNanoseconds: (nanos: bigint) => isoInstant(Number(nanos / 1_000_000n), nanos),
  dateFromDays: (days: number) =>
    Math.abs(days * MILLIS_PER_DAY) <= LARGEST_DATE_MILLIS ? isoInstant(days * MILLIS_PER_DAY, days).slice(0, 10) : String(days),
};

function isoInstant(millis: number, raw: bigint | number): string {
  return Math.abs(millis) <= LARGEST_DATE_MILLIS ? new Date(millis).toISOString() : String(raw);
}

/**
 * One Parquet value as a segment record holds it, the way a JSON reader would have: text,
 * numbers, booleans, null, arrays (lists) and objects (structs, maps).
 * - INT64 (bigint) becomes a number when a double holds it exactly, else the text of its digits,
 *   as the JSON reader does with integers past 2^53.
 * - NaN and the infinities, which JSON cannot write, become null (no value).
 * - Binary that is not text becomes base64 text; a leftover Date its ISO text.
 */
export function toRecordValue(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
    case 'undefined':
      return null;
    case 'object':
      return value === null ? null : toRecordObject(value);
    default:
      return String(value);
  }
}

function toRecordObject(value: object): unknown {
  if (Array.isArray(value)) return value.map(toRecordValue);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, toRecordValue);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) fields[key] = toRecordValue(field);
  return fields;
}

/** A row's values, converted in place: strings and numbers, the usual case, cost one typeof. */
export function toRecordFields(row: Record<string, unknown>): Record<string, unknown> {
  for (const key in row) {
    const value = row[key];
    const kind = typeof value;
    if (kind === 'string' || kind === 'boolean' || (kind === 'number' && Number.isFinite(value))) continue;
    row[key] = toRecordValue(value);
  }
  return row;
}
