import { describe, expect, it } from 'vitest';
import { ConsentCandidates } from './consent-candidates.js';
import type { SubscribeCandidate } from '../scan/subscribe-candidate.js';

describe('ConsentCandidates', () => {
  it('gives back every candidate as pushed, in order, past its initial capacity', () => {
    const pushed: SubscribeCandidate[] = Array.from({ length: 2_500 }, (_, index) => ({
      line: index + 2,
      ...(index % 3 === 0 ? { element: index } : {}),
      email: `user${index}@example.com`,
      channels: { email: index % 2 === 0, sms: index % 5 === 0 },
      ...(index % 5 === 0 ? { phoneNumber: `+1415555${String(index).padStart(4, '0')}` } : {}),
      ...(index % 7 === 0 ? { consentedAtMs: 1_700_000_000_000 + index } : {}),
    }));
    const candidates = new ConsentCandidates();
    for (const candidate of pushed) candidates.push(candidate);

    expect(candidates.size).toBe(2_500);
    expect([...candidates]).toEqual(pushed);
  });
});
