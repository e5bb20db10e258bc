import { describe, expect, it } from 'vitest';
import { ExitCode, RemovalGuardError } from '../../errors.js';
import {
  checkRemovalGuard,
  countDecision,
  describeRemovalRefusal,
  decideProfile,
  DEFAULT_MAX_REMOVALS,
  emptySyncCounts,
  estimateListReadMs,
  parseMaxRemovals,
  removalLimit,
  type MaxRemovals,
} from './sync-plan.js';

describe('parseMaxRemovals', () => {
  it.each([
    ['10%', { kind: 'percent', percent: 10 }],
    [' 0.5 %', { kind: 'percent', percent: 0.5 }],
    ['100%', { kind: 'percent', percent: 100 }],
    ['0%', { kind: 'percent', percent: 0 }],
    ['500', { kind: 'count', count: 500 }],
    ['0', { kind: 'count', count: 0 }],
    ['101%', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['ten', undefined],
    ['', undefined],
    ['%', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(parseMaxRemovals(text)).toEqual(expected);
  });
});

describe('the removal guard', () => {
  const cases: [planned: number, known: number, max: MaxRemovals, limit: number, isAllowed: boolean][] = [
    [100, 1000, DEFAULT_MAX_REMOVALS, 100, true],
    [101, 1000, DEFAULT_MAX_REMOVALS, 100, false],
    [700, 1000, DEFAULT_MAX_REMOVALS, 100, false],
    [700, 1000, { kind: 'percent', percent: 100 }, 1000, true],
    [0, 0, DEFAULT_MAX_REMOVALS, 0, true],
    [1, 5, DEFAULT_MAX_REMOVALS, 0, false],
    [3, 10, { kind: 'percent', percent: 30 }, 3, true], // 30% of 10 is 3, not 2.9999
    [50, 1000, { kind: 'count', count: 50 }, 50, true],
    [51, 1000, { kind: 'count', count: 50 }, 50, false],
    [5, 10, { kind: 'count', count: 0 }, 0, false],
  ];

  it.each(cases)('%i planned of %i known with %j: limit %i, allowed %s', (planned, known, max, limit, isAllowed) => {
    expect(removalLimit(max, known)).toBe(limit);
    expect(checkRemovalGuard(planned, known, max).isAllowed).toBe(isAllowed);
  });

  it('refuses with one sentence naming the numbers, exit 2', () => {
    const decision = checkRemovalGuard(700, 1000, DEFAULT_MAX_REMOVALS);
    if (decision.isAllowed) throw new Error('expected a refusal');

    const error = new RemovalGuardError(decision, describeRemovalRefusal(decision, DEFAULT_MAX_REMOVALS));

    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.message).toBe(
      "The file would remove 700 of the list's 1,000 known members (70%), more than --max-removals 10% allows (100); nothing was sent or removed. Check that the file is complete, or raise --max-removals if these removals are intended.",
    );
  });
});

describe('decideProfile', () => {
  it.each([
    ['added', false, undefined, true],
    ['updated', false, undefined, true],
    ['unchanged', false, undefined, true],
    ['added', true, undefined, true],
    ['updated', true, undefined, true],
    ['unchanged', true, undefined, false],
    ['unchanged', true, true, false],
    ['unchanged', true, false, true], // the list lost it: send it again
  ] as const)('%s, changedOnly %s, in list %s -> sent %s', (change, changedOnly, isInList, isSent) => {
    expect(decideProfile(change, { changedOnly, isInList }).isSent).toBe(isSent);
  });

  it('counts each decision once', () => {
    const counts = emptySyncCounts();
    countDecision(counts, decideProfile('added', { changedOnly: true }));
    countDecision(counts, decideProfile('updated', { changedOnly: true }));
    countDecision(counts, decideProfile('unchanged', { changedOnly: true }));
    countDecision(counts, decideProfile('unchanged', { changedOnly: true, isInList: false }));
    countDecision(counts, decideProfile('unchanged', { changedOnly: false }));

    expect(counts).toMatchObject({ added: 1, updated: 1, unchanged: 1, resent: 2 });
  });
});

describe('estimateListReadMs', () => {
  it.each([
    [0, 1_000],
    [100, 1_000],
    [7_500, 1_000],
    [7_501, 2_000],
    [75_000, 10_000],
    [1_000_000, 800_000], // 10,000 pages at 750 a minute: 13 min 20 s
  ])('%i members -> %i ms', (members, ms) => {
    expect(estimateListReadMs(members)).toBe(ms);
  });
});
