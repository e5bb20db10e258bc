import type { RunSummary } from '../index.js';
import { plural } from '../report/text-format.js';

/** Outcomes that already fail the run because of its rejected rows: their own sentence says so. */
const REFUSED_FOR_REJECTS: ReadonlySet<RunSummary['outcome']> = new Set(['rejected-strict', 'too-many-rejected', 'nothing-to-send']);

/**
 * Rejected rows in a run nobody watches (cron, CI) end as a warning, since the summary that lists
 * them scrolls by unread: the reasons, and where each row is (or how to get it: --rejects).
 */
export function describeUnattendedRejects(summary: RunSummary, rejects: string | undefined): string | undefined {
  const rejected = summary.rows.rejected;
  if (rejected === 0 || REFUSED_FOR_REJECTS.has(summary.outcome)) return undefined;
  const reasons = summary.rejectedByReason.map((reason) => `${reason.reason}: ${reason.count.toLocaleString('en-US')}`).join(', ');
  const where =
    rejects === undefined
      ? 'pass --rejects <file.csv> to get each one with its line, reason and values, to fix and push again'
      : `each is in ${rejects === '-' ? 'the rejects CSV on standard output' : rejects}`;
  return `${plural(rejected, 'row')} of ${summary.file} ${rejected === 1 ? 'was' : 'were'} rejected and not sent (${reasons}); ${where}.`;
}
