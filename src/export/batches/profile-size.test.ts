import { describe, expect, it } from 'vitest';
import { serializeProfileResource } from '../../klaviyo/profile-import-payload.js';
import { MAX_PROFILE_BYTES } from './batch-limits.js';
import { profileResourceBytes, profileTooLargeDetail } from './profile-size.js';

describe('profileResourceBytes', () => {
  it.each([{ email: 'a@example.com' }, { email: 'zoë@example.com', properties: { größe: ['€', 1] } }])(
    'is the UTF-8 size of the resource object Klaviyo receives for %j',
    (attributes) => {
      const attributesBytes = Buffer.byteLength(JSON.stringify(attributes));
      expect(profileResourceBytes(attributesBytes)).toBe(Buffer.byteLength(serializeProfileResource(attributes)));
    },
  );
});

describe('profileTooLargeDetail', () => {
  it('accepts a profile of exactly 100,000 bytes', () => {
    expect(profileTooLargeDetail(MAX_PROFILE_BYTES)).toBeUndefined();
  });

  it('refuses a profile one byte over, with its size and nothing else from the row', () => {
    expect(profileTooLargeDetail(MAX_PROFILE_BYTES + 1)).toBe(
      'The profile is 100001 bytes as JSON; Klaviyo accepts at most 100000 bytes per profile.',
    );
  });
});
