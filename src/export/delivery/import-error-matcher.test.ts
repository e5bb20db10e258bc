import { describe, expect, it } from 'vitest';
import { ImportErrorMatcher } from './import-error-matcher.js';

const sent = [
  { attributes: { email: 'ann@example.com', phone_number: '+15550000001' } },
  { attributes: { email: 'bob@example.com', phone_number: '+15550000002', external_id: 'B-2' } },
  { attributes: { phone_number: '+15550000003' } },
  { attributes: { phone_number: '+15550000003', external_id: 'D-4' } },
  { attributes: { external_id: 'E-5' } },
];
const pointer = (index: number) => `/data/attributes/profiles/data/${index}/attributes/email`;

describe('ImportErrorMatcher', () => {
  const matcher = new ImportErrorMatcher(sent);

  it.each([
    ['the email of the payload, whatever its case', { originalPayload: { email: ' BOB@Example.com' } }, 1],
    ['the payload over a pointer that disagrees', { originalPayload: { email: 'bob@example.com' }, pointer: pointer(0) }, 1],
    ['a payload sent as a resource', { originalPayload: { type: 'profile', attributes: { email: 'ann@example.com' } } }, 0],
    ['the phone when the email is absent', { originalPayload: { phone_number: '+15550000002' } }, 1],
    ['the phone when the email matches nobody', { originalPayload: { email: 'zed@example.com', phone_number: '+15550000001' } }, 0],
    ['the external id last', { originalPayload: { external_id: 'E-5' } }, 4],
    ['the pointer among profiles sharing a phone', { originalPayload: { phone_number: '+15550000003' }, pointer: pointer(3) }, 3],
    [
      'the first profile sharing a phone when the pointer disagrees',
      { originalPayload: { phone_number: '+15550000003' }, pointer: pointer(0) },
      2,
    ],
    ['the pointer when there is no payload', { pointer: pointer(2) }, 2],
    ['the pointer when the payload has no identifier', { originalPayload: { first_name: 'Ann' }, pointer: pointer(4) }, 4],
  ])('matches by %s', (_label, error, index) => {
    expect(matcher.match(error)).toBe(index);
  });

  it.each([
    ['a payload that matches no sent profile, even with a pointer', { originalPayload: { email: 'zed@example.com' }, pointer: pointer(1) }],
    ['a pointer that is only /data and no payload', { pointer: '/data' }],
    ['a pointer beyond the request and no payload', { pointer: pointer(9) }],
    ['nothing at all', {}],
  ])('leaves unattributed %s', (_label, error) => {
    expect(matcher.match(error)).toBeUndefined();
  });
});
