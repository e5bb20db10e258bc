import type { LineList, ReasonCount } from './run-summary.js';

/** Line numbers shown after a count; the rest are in the rejects file and the report. */
const LINES_SHOWN = 5;

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export function reasonLine(reason: ReasonCount): string {
  return `${reason.reason}: ${formatCount(reason.count)}${linesSuffix(reason)} - ${reason.description}`;
}

export function linesSuffix(list: LineList): string {
  if (list.count === 0 || list.lines.length === 0) return '';
  // A JSON file may hold every element on one line: its elements (0-based) say more.
  const [noun, positions] = list.elements ? ['element', list.elements] : ['line', list.lines];
  const shown = positions.slice(0, LINES_SHOWN).map((position, index) => positionLabel(position, index, list));
  const more = list.count > shown.length ? `, ... ${formatCount(list.count - shown.length)} more` : '';
  return ` (${noun}${list.count === 1 ? '' : 's'} ${shown.join(', ')}${more})`;
}

/** A line of a segment of several files says its file: `0001_part_00.gz:7`. */
export function positionLabel(position: number, index: number, list: Pick<LineList, 'files'>): string {
  const file = list.files?.[index];
  return file === undefined ? String(position) : `${file}:${position}`;
}
