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
  it.each([
    { strict: true, rowsRead: 3, validProfiles: 2, rejected: 1, gate: 'rejected-strict' },
    { strict: false, rowsRead: 3, validProfiles: 2, rejected: 1, gate: undefined },
    { strict: true, rowsRead: 2, validProfiles: 0, rejected: 2, gate: 'rejected-strict' },
    { strict: false, rowsRead: 2, validProfiles: 0, rejected: 2, gate: 'nothing-to-send' },
    // A header and no row: nothing to do is not a failure.
    { strict: false, rowsRead: 0, validProfiles: 0, rejected: 0, gate: undefined },
    // Duplicates only are not rejections.
    { strict: true, rowsRead: 3, validProfiles: 1, rejected: 0, gate: undefined },
  ])('strict $strict, $rowsRead rows, $validProfiles valid, $rejected rejected: $gate', ({ strict, gate, rejected, ...scan }) => {
    expect(gateOf({ isStrict: strict }, scan, { rejected })).toBe(gate);
  });
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
