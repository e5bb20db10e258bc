import { describe, expect, it } from 'vitest';
import { exitCodeOf, isCompleteOutcome } from './outcome-exit-code.js';

describe('outcome -> exit code', () => {
  it.each([
    ['validated', 0, true],
    ['delivered', 0, true],
    ['submitted', 0, true],
    ['rejected-strict', 2, false],
    ['nothing-to-send', 1, false],
    ['declined', 1, false],
    ['partially-delivered', 1, false],
    ['not-delivered', 1, false],
    ['deadline', 1, false],
    ['interrupted', 130, false],
  ] as const)('%s exits %i', (outcome, code, isComplete) => {
    expect(exitCodeOf(outcome)).toBe(code);
    expect(isCompleteOutcome(outcome)).toBe(isComplete && outcome !== 'validated');
  });
});
