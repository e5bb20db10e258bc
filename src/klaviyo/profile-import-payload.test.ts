import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildProfileImportBody, createProfileImportEnvelope, serializeProfileResource } from './profile-import-payload.js';

/**
 * ProfileImportJobCreateQuery as the 2026-07-15 spec defines it, written out for the test: the
 * body must match it exactly (strict objects: no member the spec does not have).
 */
const profileResource = z.strictObject({
  type: z.literal('profile'),
  attributes: z.record(z.string(), z.unknown()),
});
const profileImportJobCreateQuery = z.strictObject({
  data: z.strictObject({
    type: z.literal('profile-bulk-import-job'),
    attributes: z.strictObject({ profiles: z.strictObject({ data: z.array(profileResource) }) }),
    relationships: z.strictObject({
      lists: z.strictObject({ data: z.array(z.strictObject({ type: z.literal('list'), id: z.string() })) }),
    }),
  }),
});

describe('the bulk-import request body', () => {
  it('is a ProfileImportJobCreateQuery with the profiles in order and the list in its lists relationship', () => {
    const resources = [
      serializeProfileResource({ email: 'a@example.com', location: { city: 'Zürich' } }),
      serializeProfileResource({ email: 'b@example.com', properties: { tier: 'gold', 'quote"d': 1 } }),
    ];
    const body = buildProfileImportBody(createProfileImportEnvelope('Y6nRLr'), resources);
    const parsed = profileImportJobCreateQuery.parse(JSON.parse(body));
    expect(parsed.data.attributes.profiles.data.map((p) => p.attributes.email)).toEqual(['a@example.com', 'b@example.com']);
    expect(parsed.data.relationships.lists.data).toEqual([{ type: 'list', id: 'Y6nRLr' }]);
  });

  it('escapes a list id that is not plain text', () => {
    const body = buildProfileImportBody(createProfileImportEnvelope('a"b\\c'), [serializeProfileResource({ email: 'a@example.com' })]);
    expect(JSON.parse(body).data.relationships.lists.data[0].id).toBe('a"b\\c');
  });
});
