import { describe, expect, it } from 'vitest';
import type { ApiErrorObject } from '../errors.js';
import { planAfterRefusal, RefusalBudget } from './refusal-policy.js';

const at = (pointer: string | undefined, detail = 'bad'): ApiErrorObject => ({ code: 'invalid', detail, ...(pointer ? { pointer } : {}) });
const profile = (index: number, field = 'email') => at(`/data/attributes/profiles/data/${index}/attributes/${field}`, `bad ${index}`);
const budget = () => new RefusalBudget(100);

describe('planAfterRefusal', () => {
  it.each([
    ['one named profile', [profile(3)], 10, [3]],
    ['every named profile, in order', [profile(1), profile(4), profile(1, 'phone_number')], 10, [1, 4]],
    ['named ones beside an unspecific error', [at('/data'), profile(0)], 2, [0]],
    ['a named profile, even when the request has only it', [profile(0)], 1, [0]],
  ])('strips %s', (_label, errors, count, indices) => {
    const plan = planAfterRefusal(errors, count, budget());
    expect(plan.kind).toBe('strip');
    expect(plan.kind === 'strip' && [...plan.named.keys()]).toEqual(indices);
  });

  it('keeps every error of a named profile, in the order Klaviyo gave them', () => {
    const errors = [profile(1), profile(4), profile(1, 'phone_number')];
    const plan = planAfterRefusal(errors, 10, budget());
    expect(plan.kind === 'strip' && plan.named.get(1)).toEqual([errors[0], errors[2]]);
  });

  it('spends nothing of the budget on answers that name profiles: each settles one', () => {
    const spent = new RefusalBudget(2);
    for (let i = 0; i < 50; i += 1) expect(planAfterRefusal([profile(0)], 10, spent).kind).toBe('strip');
    expect(spent.spent).toBe(0);
  });

  it.each([
    ['no pointer at all', [at(undefined)], 10, 5],
    ['a pointer that is only /data', [at('/data')], 7, 4],
    ['the profiles array', [at('/data/attributes/profiles/data/')], 2, 1],
    ['only a profile already removed (index beyond the request)', [profile(12)], 9, 5],
    ['no error object at all', [], 3, 2],
  ])('splits in halves when the answer names nobody: %s', (_label, errors, count, split) => {
    expect(planAfterRefusal(errors, count, budget())).toEqual({ kind: 'split', at: split });
  });

  it('refuses a profile sent alone whose refusal names nobody, with the error', () => {
    const error = at('/data', 'The email address was refused.');
    expect(planAfterRefusal([error], 1, budget())).toEqual({ kind: 'refuse-alone', error });
  });

  it.each([
    ['a list relationship', at('/data/relationships/lists/data/0/id')],
    ['the resource type', at('/data/type')],
    ['a parameter', { code: 'invalid', detail: 'bad revision', parameter: 'revision' }],
  ])('gives the request up when the error is about %s: any half would meet it too', (_label, error) => {
    expect(planAfterRefusal([error], 100, budget())).toEqual({ kind: 'give-up', error });
  });

  it('gives the profiles up once the budget of refusals naming nobody is spent', () => {
    const shared = new RefusalBudget(64);
    const error = at('/data');
    const kinds = Array.from({ length: shared.limit + 2 }, () => planAfterRefusal([error], 64, shared).kind);
    expect(kinds.slice(0, shared.limit).every((kind) => kind === 'split')).toBe(true);
    expect(planAfterRefusal([error], 1, shared)).toEqual({ kind: 'budget-spent', refusals: shared.limit, error });
    expect(kinds.slice(shared.limit)).toEqual(['budget-spent', 'budget-spent']);
  });
});

describe('RefusalBudget', () => {
  it.each([
    [1, 8],
    [64, 28],
    [1000, 44],
    [10_000, 60],
  ])('allows %i profiles about four unnamed refused profiles found by halving: %i refusals', (count, limit) => {
    expect(new RefusalBudget(count).limit).toBe(limit);
  });
});
