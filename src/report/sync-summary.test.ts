import { describe, expect, it } from 'vitest';
import { renderSyncLines, type SyncSummary } from './sync-summary.js';

const base: SyncSummary = {
  mirror: 'state',
  changedOnly: true,
  hadState: true,
  added: 50,
  updated: 10,
  unchanged: 940,
  resent: 0,
  removals: { planned: 100, done: 98, failed: 2, notAttempted: 0, knownMembers: 1000, limit: 100, maxRemovals: '10%' },
  membersKept: 0,
  noRemovalReason: null,
};

describe('renderSyncLines', () => {
  it('shows additions, updates, skipped, and removals with the guard', () => {
    expect(renderSyncLines(base)).toEqual([
      '  new in the list      50',
      '  updated              10',
      '  unchanged (skipped)  940',
      '  removals planned     100 (--mirror) of 1,000 known members (--max-removals 10%: at most 100)',
      '  removed              98',
      '  removal failed       2 (kept in the sync state: the next run tries again)',
    ]);
  });

  it('shows members kept from the list, and why nothing was removed', () => {
    const lines = renderSyncLines({
      ...base,
      mirror: 'list',
      changedOnly: false,
      unchanged: 0,
      resent: 940,
      removals: { ...base.removals, done: 0, failed: 0, notAttempted: 100 },
      membersKept: 3,
      noRemovalReason: 'not every profile was delivered, so nothing was removed.',
    });
    expect(lines).toContain('  unchanged, sent      940');
    expect(lines).toContain('  not removed          100');
    expect(lines).toContain('  members kept         3 (no email)');
    expect(lines.at(-1)).toBe('  note: not every profile was delivered, so nothing was removed.');
    expect(lines.some((line) => line.includes('skipped'))).toBe(false);
  });

  it('shows no removal lines without --mirror', () => {
    expect(renderSyncLines({ ...base, mirror: null })).toHaveLength(3);
  });
});
