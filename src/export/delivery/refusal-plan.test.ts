import type { ApiErrorObject } from '../../errors.js';
import { describe, expect, it } from 'vitest';

import { planAfterRefusal } from './refusal-plan.js';

const at = (pointer: string | undefined, detail = 'bad'): ApiErrorObject => ({ code: 'invalid', detail, ...(pointer ? { pointer } : {}) });
const profile = (index: number, field = 'email') => at(`/data/attributes/profiles/data/${index}/attributes/${field}`, `bad ${index}`);

describe('planAfterRefusal', () => {
  it.each([
    ['one named profile', [profile(3)], 10, [3]],
    ['every named profile, the first error of each', [profile(1), profile(4), profile(1, 'phone_number')], 10, [1, 4]],
    ['named ones beside an unspecific error', [at('/data'), profile(0)], 2, [0]],
    ['a named profile, even when the request has only it', [profile(0)], 1, [0]],
  ])('strips %s', (_label, errors, count, indices) => {
    const plan = planAfterRefusal(errors, count);
    expect(plan.kind).toBe('strip');
    expect(plan.kind === 'strip' && [...plan.named.keys()]).toEqual(indices);
    if (plan.kind === 'strip') expect(plan.named.get(indices[0]!)).toBe(errors.find((e) => e.pointer?.includes(`/${indices[0]}/`)));
  });

  it.each([
    ['no pointer at all', [at(undefined)], 10, 5],
    ['a pointer that is only /data', [at('/data')], 7, 4],
    ['the profiles array', [at('/data/attributes/profiles/data/')], 2, 1],
    ['only a profile already removed (index beyond the request)', [profile(12)], 9, 5],
    ['no error object at all', [], 3, 2],
  ])('splits in halves when the answer names nobody: %s', (_label, errors, count, split) => {
    expect(planAfterRefusal(errors, count)).toEqual({ kind: 'split', at: split });
  });

  it('refuses a profile sent alone whose refusal names nobody, with the error', () => {
    const error = at('/data', 'The email address was refused.');
    expect(planAfterRefusal([error], 1)).toEqual({ kind: 'refuse-alone', error });
  });

  it.each([
    ['a list relationship', at('/data/relationships/lists/data/0/id')],
    ['the resource type', at('/data/type')],
    ['a parameter', { code: 'invalid', detail: 'bad revision', parameter: 'revision' }],
  ])('gives the request up when the error is about %s: any half would meet it too', (_label, error) => {
    expect(planAfterRefusal([error], 100)).toEqual({ kind: 'give-up', error });
  });
});
