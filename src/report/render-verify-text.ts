import { formatCount, formatSeconds, plural } from './render-summary-text.js';
import type { LineList } from './run-summary.js';
import { positionLabel } from './text-format.js';
import type { VerifySummary } from './verify-summary.js';

const LINES_SHOWN = 5;

/** The summary a person reads at the end of `verify`. Counts, line numbers and field names only. */
export function renderVerifyText(summary: VerifySummary): string {
  const out = [`Verify of ${summary.file} against list "${summary.listName}" (${summary.listId})`];
  out.push(`  rows read            ${formatCount(summary.rows.read)}`);
  out.push(`  valid profiles       ${formatCount(summary.rows.valid)}`);
  out.push(`  rejected             ${formatCount(summary.rows.rejected)}`);
  for (const reason of summary.rejectedByReason) out.push(`    ${reason.reason}: ${formatCount(reason.count)}${linesSuffix(reason)}`);
  out.push(`  duplicates           ${formatCount(summary.rows.duplicates)}`);
  const { sample } = summary;
  const how = sample.all
    ? 'every valid row'
    : sample.checked < (sample.size ?? 0)
      ? `every valid row: fewer than the sample of ${formatCount(sample.size ?? 0)}`
      : `random sample of ${formatCount(sample.size ?? 0)}, seed ${sample.seed ?? ''}`;
  out.push(`  checked              ${formatCount(sample.checked)} (${how})`);
  out.push(`  in the list          ${formatCount(summary.present)}`);
  out.push(`  missing              ${formatCount(summary.missing.count)}${linesSuffix(summary.missing)}`);
  if (summary.attributes) {
    out.push(
      `  differing attributes ${formatCount(summary.attributes.mismatched)} (fields compared: ${summary.attributes.fields.join(', ') || 'none mapped'})`,
    );
    for (const field of summary.attributes.byField) {
      out.push(`    ${field.field} (column "${field.column}"): ${plural(field.count, 'row')}${linesSuffix(field)}`);
    }
  }
  const { requests } = summary;
  out.push(
    `  requests             ${formatCount(requests.requests)} (${formatCount(requests.retries)} retries, ${formatCount(requests.throttled)} throttled by Klaviyo)`,
  );
  out.push(`  elapsed              ${formatSeconds(summary.timings.totalMs)}`);
  out.push(outcomeLine(summary));
  return `${out.join('\n')}\n`;
}

function outcomeLine(summary: VerifySummary): string {
  switch (summary.outcome) {
    case 'all-present':
      return (summary.attributes?.mismatched ?? 0) > 0
        ? 'Present: every checked row is in the list, but some attributes differ from the file.'
        : 'Present: every checked row is in the list.';
    case 'some-missing':
      return `Missing: ${plural(summary.missing.count, 'checked row')} not in the list (--missing writes them to a file that push takes back).`;
    case 'nothing-to-check':
      return 'Failed: no row of the file holds a valid profile; nothing was checked.';
    case 'rejected-strict':
      return 'Failed (--strict): some rows were rejected; nothing was checked.';
  }
}

function linesSuffix(list: LineList): string {
  if (list.count === 0 || list.lines.length === 0) return '';
  const [noun, positions] = list.elements ? ['element', list.elements] : ['line', list.lines];
  const shown = positions.slice(0, LINES_SHOWN).map((position, index) => positionLabel(position, index, list));
  const more = list.count > shown.length ? `, ... ${formatCount(list.count - shown.length)} more` : '';
  return ` (${noun}${list.count === 1 ? '' : 's'} ${shown.join(', ')}${more})`;
}

/** What verify is about to do, and what --all would cost at Klaviyo's published rate. */
export function describeVerifyPlan(plan: {
  valid: number;
  toCheck: number;
  requests: number;
  estimatedMs: number;
  estimatedAllMs: number;
}): string {
  const least = plan.estimatedMs > 0 ? `, at least ${formatDuration(plan.estimatedMs)}` : '';
  const checking = `Checking ${formatCount(plan.toCheck)} of ${plural(plan.valid, 'valid row')} in ${plural(plan.requests, 'request')}${least}`;
  if (plan.toCheck >= plan.valid) return `${checking}.`;
  return `${checking}; --all would take at least ${formatDuration(plan.estimatedAllMs)} at Klaviyo's published rate (100 emails a request, 75/s, 750/min).`;
}

/** `0 s`, `45 s`, `11 min 1 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 === 0 ? '' : ` ${seconds % 60} s`}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
}
