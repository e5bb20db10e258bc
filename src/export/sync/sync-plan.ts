import { formatCount } from '../../report/render-summary-text.js';
import type { ProfileChange } from '../../state/sync-state.js';

/**
 * The pure part of a mirror/changed-only run: which profiles of the file to send, and whether the
 * planned removals pass the guard against a truncated file.
 */

/** `--max-removals`: a number of members, or a percentage of the list's known members. */
export type MaxRemovals = { readonly kind: 'count'; readonly count: number } | { readonly kind: 'percent'; readonly percent: number };

/** A file cut short by a failed export must not empty the list: by default at most a tenth of it goes. */
export const DEFAULT_MAX_REMOVALS: MaxRemovals = { kind: 'percent', percent: 10 };

/** `500` or `10%` (`0.5%` too); undefined for anything else. */
export function parseMaxRemovals(text: string): MaxRemovals | undefined {
  const value = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
  if (percent !== null) {
    const number = Number(percent[1]);
    return number <= 100 ? { kind: 'percent', percent: number } : undefined;
  }
  if (!/^\d+$/.test(value)) return undefined;
  const count = Number(value);
  return Number.isSafeInteger(count) ? { kind: 'count', count } : undefined;
}

export function describeMaxRemovals(max: MaxRemovals): string {
  return max.kind === 'count' ? formatCount(max.count) : `${max.percent}%`;
}

/** The most members the run may remove. */
export function removalLimit(max: MaxRemovals, knownMembers: number): number {
  return max.kind === 'count' ? max.count : Math.floor((knownMembers * max.percent) / 100 + 1e-9);
}

export type RemovalGuardDecision =
  | { readonly isAllowed: true }
  | { readonly isAllowed: false; readonly planned: number; readonly limit: number; readonly knownMembers: number };

export function checkRemovalGuard(planned: number, knownMembers: number, max: MaxRemovals): RemovalGuardDecision {
  const limit = removalLimit(max, knownMembers);
  return planned <= limit ? { isAllowed: true } : { isAllowed: false, planned, limit, knownMembers };
}

/** The sentence a refused guard is told in (a RemovalGuardError's message; validate's prediction). */
export function describeRemovalRefusal(refusal: { planned: number; limit: number; knownMembers: number }, max: MaxRemovals): string {
  const { planned, limit, knownMembers } = refusal;
  const share = knownMembers === 0 ? '' : ` (${percentOf(planned, knownMembers)})`;
  return `The file would remove ${formatCount(planned)} of the list's ${formatCount(knownMembers)} known members${share}, more than --max-removals ${describeMaxRemovals(max)} allows (${formatCount(limit)}); nothing was sent or removed. Check that the file is complete, or raise --max-removals if these removals are intended.`;
}

function percentOf(part: number, whole: number): string {
  const percent = (part / whole) * 100;
  return `${percent >= 10 || Number.isInteger(percent) ? Math.round(percent) : percent.toFixed(1)}%`;
}

/** What a mirror/changed-only run does with one profile of the file. */
export interface ProfileDecision {
  readonly change: ProfileChange;
  readonly isSent: boolean;
}

/**
 * Whether to send a profile: everything is sent unless `changedOnly`; then an unchanged profile is
 * skipped, except when the list is known not to hold it (`--mirror-source list`: someone removed it).
 */
export function decideProfile(change: ProfileChange, options: { changedOnly: boolean; isInList?: boolean | undefined }): ProfileDecision {
  const isSent = !options.changedOnly || change !== 'unchanged' || options.isInList === false;
  return { change, isSent };
}

/** The counts every report shows for a sync run. */
export interface SyncCounts {
  added: number;
  updated: number;
  /** Not sent: the same email and attributes as the last confirmed run (`--changed-only`). */
  unchanged: number;
  /** Unchanged but sent anyway: without `--changed-only`, or because the list no longer holds them (`--mirror-source list`). */
  resent: number;
  removalsPlanned: number;
  removalsDone: number;
  removalsFailed: number;
  /** `--mirror-source list`: members left alone because they have no email (or were added by others and are in the file). */
  membersKept: number;
}

export function emptySyncCounts(): SyncCounts {
  return { added: 0, updated: 0, unchanged: 0, resent: 0, removalsPlanned: 0, removalsDone: 0, removalsFailed: 0, membersKept: 0 };
}

/** Counts one profile's decision. */
export function countDecision(counts: SyncCounts, decision: ProfileDecision): void {
  if (decision.change === 'added') counts.added += 1;
  else if (decision.change === 'updated') counts.updated += 1;
  else if (decision.isSent) counts.resent += 1;
  else counts.unchanged += 1;
}

/**
 * How long reading `members` list members takes at Klaviyo's published pace for
 * get_profiles_for_list: 100 a page, 75 pages a second in bursts, 750 a minute steady.
 * https://developers.klaviyo.com/en/reference/get_profiles_for_list
 */
export function estimateListReadMs(members: number): number {
  const pages = Math.max(1, Math.ceil(members / 100));
  const BURST_PER_SECOND = 75;
  const STEADY_PER_MINUTE = 750;
  if (pages <= STEADY_PER_MINUTE) return Math.ceil(pages / BURST_PER_SECOND) * 1000;
  return Math.ceil((pages / STEADY_PER_MINUTE) * 60_000);
}
