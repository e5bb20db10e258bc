import { maskPersonalData } from '../privacy/personal-data.js';
/** Helpers shared by the JSON and NDJSON readers. */

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a number", "an array", "null"... for "is a number, not an object". */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export interface JsonSyntaxProblem {
  /** V8's explanation, without the echo of the input that some messages carry (it may hold emails). */
  readonly reason: string;
  /** 0-based position in the parsed text, when V8 names one. */
  readonly position: number | undefined;
}

export function describeJsonSyntaxError(error: unknown): JsonSyntaxProblem {
  const message = error instanceof Error ? error.message : String(error);
  // V8 quotes the text around the error, cut with "..." at either end or both.
  const withoutEcho = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
  const position = /in JSON at position (\d+)/.exec(withoutEcho);
  const reason = escapeControlCharacters(
    withoutEcho.replace(/ in JSON at position \d+.*$/s, '').replace(/^\w/, (first) => first.toLowerCase()),
  );
  return { reason, position: position?.[1] === undefined ? undefined : Number(position[1]) };
}

/** The token V8 names can be a line break or another control character: as an escape, the message stays one line. */
function escapeControlCharacters(text: string): string {
  return [...text].map((character) => (character < ' ' ? JSON.stringify(character).slice(1, -1) : character)).join('');
}

/** Line offset (0-based) and column (1-based) of `position` in `text`. */
export function locateInText(text: string, position: number): { lineOffset: number; column: number } {
  let lineOffset = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < position; at = text.indexOf('\n', at + 1)) {
    lineOffset++;
    lineStart = at + 1;
  }
  return { lineOffset, column: position - lineStart + 1 };
}

/**
 * The `columns` of a JSON or NDJSON segment: the first object's keys, then each new key in the
 * order it is first seen. It also catches keys that differ only by case (`email` and `Email`) in
 * one object: a mapping, which matches names regardless of case, could not say which one it means.
 */
export class ColumnCollector {
  readonly columns: string[] = [];
  private readonly seen = new Set<string>();
  /** Lower-cased key -> its spellings seen so far. */
  private readonly spellings = new Map<string, string[]>();
  /** Groups of spellings of one key, each object is checked against; usually none. */
  private readonly ambiguous: string[][] = [];

  /** Adds the object's keys; returns two keys of it that differ only by case, if it has such. */
  add(fields: Record<string, unknown>): readonly [string, string] | undefined {
    for (const key in fields) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.columns.push(key);
        this.addSpelling(key);
      }
    }
    for (const group of this.ambiguous) {
      const present = group.filter((key) => Object.hasOwn(fields, key));
      if (present.length > 1) return [present[0] as string, present[1] as string];
    }
    return undefined;
  }

  private addSpelling(key: string): void {
    const folded = key.toLowerCase();
    const group = this.spellings.get(folded);
    if (group === undefined) {
      this.spellings.set(folded, [key]);
      return;
    }
    group.push(key);
    if (group.length === 2) this.ambiguous.push(group);
  }
}

/** The sentence for two keys of one object that differ only by case; the keys are masked if they look like personal data. */
export function describeCaseCollision(keys: readonly [string, string]): string {
  const [first, second] = keys.map((key) => maskPersonalData(JSON.stringify(key)));
  return `has the keys ${first} and ${second}, which differ only by case; keep one (column names are matched regardless of case)`;
}

/** Upper bound for one JSON element or NDJSON line, so a broken file cannot exhaust memory. */
export const MAX_JSON_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * How deep arrays and objects may nest in one record. Klaviyo's custom properties are JSON, but a
 * record nested deeper than this is a broken or hostile export, and serialising it could exhaust
 * the stack: it is refused as an input error instead.
 */
export const MAX_JSON_NESTING = 100;

const OPEN_BRACE = '{';
const OPEN_BRACKET = '[';

/**
 * True when `text` (one JSON value) nests arrays and objects more than `max` levels deep. Most
 * records hold too few brackets to get there, which two native scans tell; only the others are
 * walked character by character (skipping strings, whose brackets do not count).
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_NESTING): boolean {
  if (countOf(text, OPEN_BRACE, max) + countOf(text, OPEN_BRACKET, max) <= max) return false;
  let depth = 0;
  let isInString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (isInString) {
      if (char === '\\') index++;
      else if (char === '"') isInString = false;
    } else if (char === '"') isInString = true;
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth++;
      if (depth > max) return true;
    } else if (char === '}' || char === ']') depth--;
  }
  return false;
}

/** Occurrences of `char` in `text`, counted up to `limit + 1`. */
function countOf(text: string, char: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count <= limit; at = text.indexOf(char, at + 1)) count++;
  return count;
}
