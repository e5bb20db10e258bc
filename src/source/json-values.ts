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
 * order it is first seen.
 */
export class ColumnCollector {
  readonly columns: string[] = [];
  private readonly seen = new Set<string>();

  add(fields: Record<string, unknown>): void {
    for (const key in fields) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.columns.push(key);
      }
    }
  }
}

/** Upper bound for one JSON element or NDJSON line, so a broken file cannot exhaust memory. */
export const MAX_JSON_RECORD_BYTES = 16 * 1024 * 1024;
