import { describe, expect, it } from 'vitest';
import { createRecordMapper, type MapOutcome } from './map-record.js';
import { resolveMapping } from './mapping-spec.js';
import type { ProfileAttributes } from './profile-schema.js';

/** Values as real-world exports write them: no-value markers, phone extensions, mangled addresses. */

const EMAIL = 'ann@example.com';

function mapRow(fields: Record<string, unknown>, maps: string[] = [], defaultCountry?: string): MapOutcome {
  const columns = ['Email', ...Object.keys(fields).filter((column) => column !== 'Email')];
  const request = defaultCountry === undefined ? { maps } : { maps, defaultCountry };
  return createRecordMapper(resolveMapping(columns, request, 'segment.csv'))({ line: 5, fields: { Email: EMAIL, ...fields } });
}

function attributesOf(outcome: MapOutcome): ProfileAttributes {
  if (outcome.kind !== 'profile') throw new Error(`expected a profile, got ${outcome.reason}`);
  return JSON.parse(outcome.attributesJson) as ProfileAttributes;
}

describe('no-value markers', () => {
  it.each(['NULL', 'null', 'N/A', 'n/a', 'NA', 'none', 'None', '-', '#N/A', ' null '])(
    'rejects the email %j as blank, not invalid',
    (email) => {
      expect(mapRow({ Email: email })).toEqual({
        kind: 'rejected',
        line: 5,
        reason: 'blank_email',
        detail: 'The email column "Email" is empty (it holds a no-value marker such as NULL or N/A).',
      });
    },
  );

  it.each(['nullable', 'N/A yet', '--', 'NaN', 'nobody'])('still calls the email %j invalid', (email) => {
    expect(mapRow({ Email: email })).toMatchObject({ kind: 'rejected', reason: 'invalid_email' });
  });

  it('leaves out profile and location fields that hold a marker, without a warning', () => {
    const outcome = mapRow({ First: 'NULL', Last: 'n/a', Phone: 'N/A', Photo: 'none', City: '#N/A', Zip: '-', Title: 'NA' }, [
      'first_name=First',
      'last_name=Last',
      'phone_number=Phone',
      'image=Photo',
      'location.city=City',
      'location.zip=Zip',
      'title=Title',
    ]);
    expect(attributesOf(outcome)).toEqual({ email: EMAIL });
    expect(outcome).toMatchObject({ warnings: [] });
  });

  it('keeps values that merely contain a marker', () => {
    const outcome = mapRow({ First: 'Nadia', Last: 'Null-Smith' }, ['first_name=First', 'last_name=Last']);
    expect(attributesOf(outcome)).toEqual({ email: EMAIL, first_name: 'Nadia', last_name: 'Null-Smith' });
  });

  it('keeps NA as a country or region code (Namibia, Navarra) but not the other markers', () => {
    const outcome = mapRow({ Country: 'NA', Region: 'NA' }, ['location.country=Country', 'location.region=Region']);
    expect(attributesOf(outcome)).toEqual({ email: EMAIL, location: { country: 'NA', region: 'NA' } });
    expect(attributesOf(mapRow({ Country: 'N/A' }, ['location.country=Country']))).toEqual({ email: EMAIL });
  });

  it('sends custom properties as written: their meaning is the user’s own', () => {
    const outcome = mapRow({ Market: 'NA', Plan: 'none' }, ['properties.market=Market', 'properties.plan=Plan']);
    expect(attributesOf(outcome)).toEqual({ email: EMAIL, properties: { market: 'NA', plan: 'none' } });
  });
});

describe('phone numbers with an extension', () => {
  it.each(['+1 (415) 555-2671 ext. 12', '+1 415 555 2671 x12', '+1-415-555-2671;ext=12'])(
    'sends %j as the E.164 number and warns that the extension was left out',
    (phone) => {
      const outcome = mapRow({ Phone: phone }, ['phone_number=Phone']);
      expect(attributesOf(outcome)).toEqual({ email: EMAIL, phone_number: '+14155552671' });
      expect(outcome).toMatchObject({
        warnings: [
          {
            line: 5,
            field: 'phone_number',
            message: 'phone_number had an extension, which Klaviyo cannot store; the number was sent without it.',
          },
        ],
      });
    },
  );

  it('does not warn for a number without an extension', () => {
    expect(mapRow({ Phone: '+1 (415) 555-2671' }, ['phone_number=Phone'])).toMatchObject({ warnings: [] });
  });
});

describe('invalid email details', () => {
  const prefix = 'The email column "Email" does not hold a valid email address';

  it.each([
    ['Ann Lee <ann@example.com>', 'it has a display name or angle brackets (Name <address>); keep only the address'],
    ['ann@example.com; bob@example.com', 'it holds more than one address; put one address per row'],
    ['mailto:ann@example.com', 'it starts with "mailto:"; keep only the address'],
    [
      'ann\u200B@example.com',
      'it contains an invisible character (zero-width space or joiner, byte order mark or non-breaking space); remove it',
    ],
    ['ann@exämple.de', 'its domain has non-ASCII characters; write the domain in punycode (xn--...)'],
    ['ann\uFF20example.com', 'it uses a full-width ＠ instead of @'],
    ['ann.example.com', 'it has no @'],
  ])('explains %j without repeating it', (email, hint) => {
    const outcome = mapRow({ Email: email });
    expect(outcome).toEqual({ kind: 'rejected', line: 5, reason: 'invalid_email', detail: `${prefix}: ${hint}.` });
    if (outcome.kind === 'rejected') {
      expect(outcome.detail).not.toContain('ann');
      expect(outcome.detail).not.toContain('example');
    }
  });

  it('keeps the plain detail when no particular mistake is recognised', () => {
    expect(mapRow({ Email: 'ann@@example.com' })).toMatchObject({ detail: `${prefix}.` });
  });
});
