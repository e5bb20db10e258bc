import { describe, expect, it } from 'vitest';
import { isCheckpointDone, outcomeOf } from './push-outcome.js';
import { gateOf } from './push-segment.js';

type Counts = { imported?: number; refused?: number; notDelivered?: number; unconfirmed?: number };

/** The ledger's delivery outcomes with these counts of rows. */
function outcomes(counts: Counts) {
  const lines = (count = 0) => ({ count, lines: [] });
  return { refused: counts.refused ?? 0, notDelivered: lines(counts.notDelivered), unconfirmed: lines(counts.unconfirmed) };
}

describe('the gates before anything is sent', () => {
  const DEFAULT_GATES = { minRows: 1, allowEmpty: false, maxRejectedPercent: undefined };
  it.each([
    { strict: true, rowsRead: 3, validProfiles: 2, rejected: 1, gate: 'rejected-strict' },
    { strict: false, rowsRead: 3, validProfiles: 2, rejected: 1, gate: undefined },
    { strict: true, rowsRead: 2, validProfiles: 0, rejected: 2, gate: 'rejected-strict' },
    { strict: false, rowsRead: 2, validProfiles: 0, rejected: 2, gate: 'nothing-to-send' },
    // A header and no row: a cut-short export, unless --allow-empty says a segment may be empty.
    { strict: false, rowsRead: 0, validProfiles: 0, rejected: 0, gate: 'too-few-rows' },
    { strict: false, rowsRead: 0, validProfiles: 0, rejected: 0, gates: { allowEmpty: true }, gate: 'empty' },
    { strict: false, rowsRead: 0, validProfiles: 0, rejected: 0, gates: { allowEmpty: true }, mirror: true, gate: undefined },
    { strict: false, rowsRead: 99, validProfiles: 99, rejected: 0, gates: { minRows: 100, allowEmpty: true }, gate: 'too-few-rows' },
    { strict: false, rowsRead: 100, validProfiles: 100, rejected: 0, gates: { minRows: 100 }, gate: undefined },
    { strict: false, rowsRead: 0, validProfiles: 0, rejected: 0, gates: { minRows: 0 }, gate: undefined },
    // --max-rejected 5: 5 of 100 is allowed, 6 is not; it comes before --strict.
    { strict: true, rowsRead: 100, validProfiles: 95, rejected: 5, gates: { maxRejectedPercent: 5 }, gate: 'rejected-strict' },
    { strict: true, rowsRead: 100, validProfiles: 94, rejected: 6, gates: { maxRejectedPercent: 5 }, gate: 'too-many-rejected' },
    { strict: false, rowsRead: 3, validProfiles: 3, rejected: 0, gates: { maxRejectedPercent: 0 }, gate: undefined },
    // Duplicates only are not rejections.
    { strict: true, rowsRead: 3, validProfiles: 1, rejected: 0, gate: undefined },
  ] as const)(
    'strict $strict, $gates, $rowsRead rows, $validProfiles valid, $rejected rejected: $gate',
    ({
      strict,
      gate,
      rejected,
      gates,
      mirror,
      ...scan
    }: {
      strict: boolean;
      gate: string | undefined;
      rejected: number;
      gates?: object;
      mirror?: boolean;
      rowsRead: number;
      validProfiles: number;
    }) => {
      const sync = mirror
        ? { mirror: 'state' as const, changedOnly: false, maxRemovals: { kind: 'percent' as const, percent: 10 } }
        : undefined;
      expect(gateOf({ isStrict: strict, gates: { ...DEFAULT_GATES, ...gates }, sync }, scan, { rejected })).toBe(gate);
    },
  );
});

describe('the outcome of a delivery', () => {
  it.each([
    { counts: { imported: 5 }, stop: undefined, wait: true, outcome: 'delivered' },
    { counts: { imported: 4, refused: 1 }, stop: undefined, wait: true, outcome: 'partially-delivered' },
    { counts: { imported: 0, notDelivered: 5 }, stop: undefined, wait: true, outcome: 'not-delivered' },
    { counts: { imported: 3, unconfirmed: 2 }, stop: undefined, wait: true, outcome: 'partially-delivered' },
    { counts: { unconfirmed: 5 }, stop: undefined, wait: false, outcome: 'submitted' },
    { counts: { unconfirmed: 4, refused: 1 }, stop: undefined, wait: false, outcome: 'partially-delivered' },
    { counts: { imported: 5 }, stop: 'signal', wait: true, outcome: 'interrupted' },
    { counts: { imported: 5 }, stop: 'deadline', wait: true, outcome: 'deadline' },
  ] as const)('$counts, stop $stop, wait $wait: $outcome', ({ counts, stop, wait, outcome }) => {
    expect(outcomeOf(5, (counts as Counts).imported ?? 0, outcomes(counts), stop, wait)).toBe(outcome);
  });

  it.each([
    { counts: { imported: 5 }, isStopped: false, isDone: true },
    { counts: { imported: 4, refused: 1 }, isStopped: false, isDone: true },
    { counts: { imported: 5 }, isStopped: true, isDone: false },
    { counts: { unconfirmed: 5 }, isStopped: false, isDone: false },
    { counts: { notDelivered: 1 }, isStopped: false, isDone: false },
  ])('the checkpoint is removed after $counts (stopped: $isStopped): $isDone', ({ counts, isStopped, isDone }) => {
    expect(isCheckpointDone(outcomes(counts), isStopped)).toBe(isDone);
  });
});
