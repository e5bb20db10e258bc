import type { LineList } from './run-summary.js';

/** Where a segment line is: its file, and the line in that file. */
export type LocateLine = (line: number) => { readonly file: string; readonly line: number };

/**
 * A summary of a segment of several files, its line lists told in each file's own lines: every
 * LineList in it (rejected reasons, duplicates, warnings, rows not delivered, not subscribed,
 * missing...) gets `files`, each line's file, and its lines become that file's lines. One pass
 * over the finished summary, so that no stage needs to know that the segment has parts; the
 * summary's other numbers are left as they are. Pure: returns a new object.
 */
export function localizeLineLists<T>(summary: T, locate: LocateLine): T {
  return localized(summary, locate) as T;
}

function localized(value: unknown, locate: LocateLine): unknown {
  if (Array.isArray(value)) return value.map((item) => localized(item, locate));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) copy[key] = localized(member, locate);
  if (isLineList(value)) {
    const positions = value.lines.map((line) => locate(line));
    copy.lines = positions.map((position) => position.line);
    copy.files = positions.map((position) => position.file);
  }
  return copy;
}

function isLineList(value: object): value is LineList {
  const list = value as Partial<LineList>;
  return typeof list.count === 'number' && Array.isArray(list.lines) && list.lines.every((line) => typeof line === 'number');
}
