import { describe, expect, it } from 'vitest';
import type { ImportErrorItem } from '../../klaviyo/klaviyo-client.js';
import { collectImportErrors } from './import-errors.js';

const job = { id: 'job-1', status: 'complete' as const, totalCount: 4, completedCount: 1, failedCount: 3 };
const profiles = ['a', 'b', 'c', 'd'].map((name) => ({ attributes: { email: `${name}@example.com` } }));

function clientListing(errors: ImportErrorItem[]) {
  return {
    listImportErrors: async function* () {
      yield* errors;
    },
  };
}

describe('collectImportErrors', () => {
  it.each([
    { name: 'a profile pointer', error: { pointer: '/data/attributes/profiles/data/2/attributes/email' }, position: 2 },
    {
      name: 'the resource email of original_payload',
      error: { originalPayload: { type: 'profile', attributes: { email: 'B@Example.com' } } },
      position: 1,
    },
    { name: 'a bare original_payload', error: { originalPayload: { email: 'd@example.com' } }, position: 3 },
    {
      name: 'the payload when the pointer is out of range',
      error: { pointer: '/data/attributes/profiles/data/9', originalPayload: { email: 'a@example.com' } },
      position: 0,
    },
    {
      name: 'the payload when the pointer names another profile',
      error: { pointer: '/data/attributes/profiles/data/0', originalPayload: { email: 'c@example.com' } },
      position: 2,
    },
  ])('names the profile by $name', async ({ error, position }) => {
    const result = await collectImportErrors(
      clientListing([{ id: 'e1', code: 'invalid', title: 'Bad x@y.com', ...error }]),
      job,
      4,
      () => profiles,
    );
    expect(result).toEqual({
      named: [{ position, reason: 'klaviyo_invalid', description: 'Bad <email>', detail: 'Bad x@y.com' }],
      unnamed: 0,
    });
  });

  it('counts errors tied to no sent profile as unnamed, and adds a second error of a profile to its detail', async () => {
    const errors: ImportErrorItem[] = [
      { id: 'e1', pointer: '/data/attributes/profiles/data/1', detail: 'Bad email.' },
      { id: 'e2', pointer: '/data/attributes/profiles/data/1/attributes/phone_number', detail: 'Bad phone.' },
      { id: 'e3', originalPayload: { email: 'stranger@example.com' }, pointer: '/data/attributes/profiles/data/2' },
      { id: 'e4' },
      { id: 'e5', pointer: '/data' },
    ];
    const result = await collectImportErrors(clientListing(errors), job, 4, () => profiles);
    expect(result.named.map((refusal) => [refusal.position, refusal.reason, refusal.detail])).toEqual([
      [1, 'klaviyo_import_error', 'Bad email.; Bad phone.'],
    ]);
    expect(result.unnamed).toBe(3);
  });
});
