/**
 * Reads a consent time (`--consented-at-column`) as exports write it, into epoch milliseconds:
 * - ISO 8601: `2024-03-05`, `2024-03-05T14:30:00Z`, `2024-03-05 14:30:00.123+02:00`, `... UTC`;
 * - `2024/03/05 14:30`;
 * - day first with dots: `05.03.2024 14:30` (German, Russian... exports);
 * - slashes with the year last, `03/25/2024` or `25/03/2024`, only when the day cannot be mistaken
 *   for the month (one part above 12, or both equal): `03/05/2024` is March 5 in the US and May 3
 *   almost everywhere else, and a consent record must not be guessed;
 * - Unix time in seconds (10 digits) or milliseconds (13 digits), as a string or a JSON number.
 * A time without an offset is UTC. A blank value (or `NULL`, `N/A`...) is no consent time.
 */
import { isNoValueMarker } from './field-value.js';

export type ConsentTime = { readonly epochMs: number } | 'blank' | { readonly invalid: string };

const TIME = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:(am|pm)\b)?)?`;
const OFFSET = String.raw`\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?`;
const ISO_LIKE = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${OFFSET}$`, 'i');
const DAY_FIRST_DOTS = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})${TIME}${OFFSET}$`, 'i');
const YEAR_LAST_SLASHES = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}${OFFSET}$`, 'i');
const EPOCH_SECONDS = /^\d{9,10}$/;
const EPOCH_MILLISECONDS = /^\d{12,13}$/;

const AMBIGUOUS = 'a date whose day and month cannot be told apart (write it as YYYY-MM-DD)';
const UNREADABLE = 'a value that is not a date';
const IMPOSSIBLE = 'a date that does not exist';

export function readConsentTime(raw: unknown): ConsentTime {
  if (raw === undefined || raw === null) return 'blank';
  if (typeof raw === 'number') return fromEpoch(String(raw));
  if (typeof raw !== 'string') return { invalid: UNREADABLE };
  const text = raw.trim();
  if (text === '' || isNoValueMarker(text)) return 'blank';
  if (EPOCH_SECONDS.test(text) || EPOCH_MILLISECONDS.test(text)) return fromEpoch(text);

  const iso = ISO_LIKE.exec(text);
  if (iso !== null) return fromParts(iso[1], iso[2], iso[3], iso.slice(4));
  const dots = DAY_FIRST_DOTS.exec(text);
  if (dots !== null) return fromParts(dots[3], dots[2], dots[1], dots.slice(4));
  const slashes = YEAR_LAST_SLASHES.exec(text);
  if (slashes !== null) {
    const first = Number(slashes[1]);
    const second = Number(slashes[2]);
    if (first > 12 && second <= 12) return fromParts(slashes[3], slashes[2], slashes[1], slashes.slice(4));
    if (second > 12 && first <= 12) return fromParts(slashes[3], slashes[1], slashes[2], slashes.slice(4));
    if (first === second) return fromParts(slashes[3], slashes[1], slashes[2], slashes.slice(4));
    return { invalid: first > 12 && second > 12 ? IMPOSSIBLE : AMBIGUOUS };
  }
  return { invalid: UNREADABLE };
}

function fromEpoch(digits: string): ConsentTime {
  if (EPOCH_SECONDS.test(digits)) return { epochMs: Number(digits) * 1000 };
  if (EPOCH_MILLISECONDS.test(digits)) return { epochMs: Number(digits) };
  return { invalid: UNREADABLE };
}

/** `time` is [hour, minute, second, fraction, am/pm, offset] as captured by TIME and OFFSET. */
function fromParts(
  yearText: string | undefined,
  monthText: string | undefined,
  dayText: string | undefined,
  time: readonly (string | undefined)[],
): ConsentTime {
  const [hourText, minuteText, secondText, fraction, meridiem, offsetText] = time;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  let hour = Number(hourText ?? 0);
  const minute = Number(minuteText ?? 0);
  const second = Number(secondText ?? 0);
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return { invalid: IMPOSSIBLE };
    hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { invalid: IMPOSSIBLE };
  if (hour > 23 || minute > 59 || second > 59) return { invalid: IMPOSSIBLE };
  const offsetMinutes = parseOffset(offsetText);
  if (offsetMinutes === undefined) return { invalid: IMPOSSIBLE };
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  return { epochMs: utc - offsetMinutes * 60_000 };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Minutes east of UTC; undefined for an offset beyond what any zone uses. */
function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined || /^(z|utc|gmt)$/i.test(text)) return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 14 || minutes > 59) return undefined;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}
