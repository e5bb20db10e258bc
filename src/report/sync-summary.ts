/**
 * What `--mirror` and `--changed-only` did, as plain data for every report (counts only, never an
 * email address). `null` in the RunSummary when neither option was given.
 */
export interface SyncSummary {
  /** Where removals come from: the sync state, the list's members, or nowhere (no --mirror). */
  mirror: 'state' | 'list' | null;
  changedOnly: boolean;
  /** Whether an earlier confirmed run left a sync state for this list. */
  hadState: boolean;
  added: number;
  updated: number;
  /** Not sent: the same email and attributes as the last confirmed run. */
  unchanged: number;
  /** Unchanged but sent: without --changed-only, or because the list had lost them. */
  resent: number;
  removals: {
    /** Members the file no longer holds (before the guard). */
    planned: number;
    done: number;
    failed: number;
    /** Planned but not attempted: the run did not deliver everything, was refused by the guard, or stopped. */
    notAttempted: number;
    /** The list's known members the guard compared with, and the most it allowed (`--max-removals`). */
    knownMembers: number;
    limit: number;
    maxRemovals: string;
  };
  /** --mirror-source list: members left alone because they have no email. */
  membersKept: number;
  /** Why nothing was removed although --mirror was given, as a sentence; null otherwise. */
  noRemovalReason: string | null;
}

/** The sync lines of the text summary. */
export function renderSyncLines(sync: SyncSummary): string[] {
  const out: string[] = [];
  const source = sync.mirror === 'list' ? ' (--mirror-source list)' : sync.mirror === 'state' ? ' (--mirror)' : '';
  out.push(`  new in the list      ${formatCount(sync.added)}`);
  out.push(`  updated              ${formatCount(sync.updated)}`);
  if (sync.changedOnly) out.push(`  unchanged (skipped)  ${formatCount(sync.unchanged)}`);
  if (sync.resent > 0) out.push(`  unchanged, sent      ${formatCount(sync.resent)}`);
  if (sync.mirror !== null) {
    const { planned, done, failed, notAttempted, knownMembers, limit, maxRemovals } = sync.removals;
    out.push(
      `  removals planned     ${formatCount(planned)}${source} of ${formatCount(knownMembers)} known members (--max-removals ${maxRemovals}: at most ${formatCount(limit)})`,
    );
    out.push(`  removed              ${formatCount(done)}`);
    if (failed > 0) out.push(`  removal failed       ${formatCount(failed)} (kept in the sync state: the next run tries again)`);
    if (notAttempted > 0) out.push(`  not removed          ${formatCount(notAttempted)}`);
    if (sync.mirror === 'list') out.push(`  members kept         ${formatCount(sync.membersKept)} (no email)`);
    if (sync.noRemovalReason !== null) out.push(`  note: ${sync.noRemovalReason}`);
  }
  return out;
}

/** As render-summary-text's, kept here so that the two renderers do not import each other. */
function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
