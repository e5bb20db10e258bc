import { InvalidArgumentError } from 'commander';
import type { CsvDelimiter, SegmentFormat } from '../source/source-record.js';
import { parseMaxRemovals, type MaxRemovals } from '../export/sync/sync-plan.js';
import type { MirrorSource } from '../export/sync/sync-session.js';

/** Pure parsers for option values; commander turns their InvalidArgumentError into exit code 2. */

export function parseFormat(value: string): SegmentFormat {
  const format = value.toLowerCase();
  if (format === 'csv' || format === 'json' || format === 'ndjson' || format === 'parquet') return format;
  if (format === 'jsonl' || format === 'jsonlines') return 'ndjson';
  throw new InvalidArgumentError('Use csv, json, ndjson or parquet.');
}

const DELIMITERS: Record<string, CsvDelimiter> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
  '|': '|',
  pipe: '|',
};

export function parseDelimiter(value: string): CsvDelimiter {
  const delimiter = DELIMITERS[value.toLowerCase()];
  if (delimiter === undefined) throw new InvalidArgumentError('Use one of , ; | or tab.');
  return delimiter;
}

export function parsePositiveInteger(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`Use a whole number from 1 to ${max.toLocaleString('en-US')}.`);
    }
    return n;
  };
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65_535) throw new InvalidArgumentError('Use a port from 0 to 65535.');
  return n;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `90`, `90s`, `15m`, `1h`, `1h30m` -> milliseconds. A bare number is seconds. */
export function parseDuration(value: string): number {
  const text = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return positive(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new InvalidArgumentError('Use a duration such as 90s, 15m or 1h30m.');
  }
  return positive(parts.reduce((total, [, amount, unit]) => total + Number(amount) * DURATION_UNITS_MS[unit!]!, 0));
}

function positive(ms: number): number {
  if (!(ms > 0)) throw new InvalidArgumentError('The duration must be more than zero.');
  return Math.round(ms);
}

export function parseLogFormat(value: string): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value;
  throw new InvalidArgumentError('Use text or json.');
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--max-removals`: `500` members or `10%` of the list's known members. */
export function parseMaxRemovalsOption(value: string): MaxRemovals {
  const parsed = parseMaxRemovals(value);
  if (parsed === undefined) throw new InvalidArgumentError('Use a number of members (500) or a percentage from 0% to 100% (10%).');
  return parsed;
}

/** `--mirror-source state|list`. */
export function parseMirrorSource(value: string): MirrorSource {
  const source = value.toLowerCase();
  if (source === 'state' || source === 'list') return source;
  throw new InvalidArgumentError('Use state or list.');
}

/** `--min-rows`: a whole number, 0 or more. */
export function parseRowCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Use a whole number of rows, 0 or more.');
  return n;
}

/** `--max-rejected`: `5`, `5%` or `0.5%` of the rows read. */
export function parsePercent(value: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  const percent = match ? Number(match[1]) : NaN;
  if (!(percent >= 0 && percent <= 100)) throw new InvalidArgumentError('Use a percentage from 0 to 100, such as 5 or 0.5%.');
  return percent;
}
