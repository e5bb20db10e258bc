import { describe, expect, it } from 'vitest';
import { createRecordMapper, type MapOutcome, type RecordToMap } from './map-record.js';
import { resolveMapping, type MappingRequest } from './mapping-spec.js';
import { profileAttributesSchema, type ProfileAttributes } from './profile-schema.js';

const EMAIL = 'Jane.Doe@Example.com';

function mapperFor(fields: Record<string, unknown>, request: Partial<MappingRequest> = {}) {
  const mapping = resolveMapping(['Email', ...Object.keys(fields)], { maps: [], ...request }, 'segment.csv');
  const mapRecord = createRecordMapper(mapping);
  return (line = 7) => mapRecord({ line, fields: { Email: EMAIL, ...fields } });
}

/** The outcome of a profile, with the attributes it sends read back from its JSON. */
function profileOf(outcome: MapOutcome) {
  if (outcome.kind !== 'profile') throw new Error(`expected a profile, got ${outcome.reason}`);
  const attributes = JSON.parse(outcome.attributesJson) as ProfileAttributes;
  return { ...outcome, attributes };
}

/** Maps one row with every column mapped to its target, e.g. { first_name: 'Ann' }. */
function mapValues(values: Record<string, unknown>, request: Partial<MappingRequest> = {}) {
  const maps = Object.keys(values).map((target) => `${target}=${target}`);
  return profileOf(mapperFor(values, { ...request, maps })());
}

describe('createRecordMapper: values', () => {
  it('writes the attributes as JSON, with their UTF-8 size', () => {
    const outcome = mapValues({ first_name: 'Zoë', 'location.city': 'Paris', 'properties.tier': 'gold' });
    expect(outcome.attributesJson).toBe(
      '{"email":"Jane.Doe@Example.com","first_name":"Zoë","location":{"city":"Paris"},"properties":{"tier":"gold"}}',
    );
    expect(outcome.attributesBytes).toBe(Buffer.byteLength(outcome.attributesJson));
    expect(outcome).toMatchObject({ kind: 'profile', line: 7, email: EMAIL, dedupeKey: 'jane.doe@example.com', warnings: [] });
  });

  it('sends only the email when nothing else is mapped', () => {
    expect(profileOf(mapperFor({ Name: 'Jane' })()).attributes).toEqual({ email: EMAIL });
  });

  it.each([
    ['trims text', { first_name: '  Jane \t' }, { first_name: 'Jane' }],
    ['omits an empty value', { first_name: '' }, {}],
    ['omits a whitespace-only value', { first_name: ' \t ', 'location.city': '  ' }, {}],
    ['omits null and missing values', { last_name: null, title: undefined }, {}],
    [
      'writes a JSON number as text in a text field',
      { external_id: 1234, 'location.zip': 75001 },
      { external_id: '1234', location: { zip: '75001' } },
    ],
    ['writes a JSON boolean as text in a text field', { title: false }, { title: 'false' }],
    ['keeps a zero', { external_id: 0 }, { external_id: '0' }],
    [
      'keeps property numbers and booleans as JSON',
      { 'properties.orders': 12, 'properties.vip': true },
      { properties: { orders: 12, vip: true } },
    ],
    ['keeps a property 0 and false', { 'properties.orders': 0, 'properties.vip': false }, { properties: { orders: 0, vip: false } }],
    [
      'keeps property lists and objects',
      { 'properties.tags': ['a', 'b'], 'properties.meta': { a: 1 } },
      { properties: { tags: ['a', 'b'], meta: { a: 1 } } },
    ],
    [
      'trims property text and omits blank properties',
      { 'properties.tier': ' gold ', 'properties.note': ' ' },
      { properties: { tier: 'gold' } },
    ],
    ['omits an empty location and properties', { 'location.city': '', 'properties.tier': null }, {}],
    [
      'passes locale, timezone and the other text fields through',
      {
        locale: 'en-US',
        'location.timezone': 'America/New_York',
        organization: 'ACME',
        last_name: 'Doe',
        'location.country': 'United States',
      },
      { locale: 'en-US', organization: 'ACME', last_name: 'Doe', location: { timezone: 'America/New_York', country: 'United States' } },
    ],
    ['keeps an http(s) image URL', { image: 'https://cdn.example.com/a.png' }, { image: 'https://cdn.example.com/a.png' }],
  ])('%s', (_case, values, expected) => {
    const outcome = mapValues(values);
    expect(outcome.attributes).toEqual({ email: EMAIL, ...expected });
    expect(outcome.warnings).toEqual([]);
    expect(profileAttributesSchema.parse(outcome.attributes)).toEqual(outcome.attributes);
  });

  it.each([
    ['first_name', ['Jane']],
    ['first_name', { given: 'Jane' }],
    ['location.city', ['Paris']],
  ])('leaves out %s holding a list or an object, with a warning, and still sends the profile', (target, value) => {
    const outcome = mapValues({ [target]: value, last_name: 'Doe' });
    expect(outcome.attributes).toEqual({ email: EMAIL, last_name: 'Doe' });
    expect(outcome.warnings).toEqual([
      { line: 7, field: target, message: `${target} holds a list or an object, not text, and was left out.` },
    ]);
  });

  it.each(['not a url', 'ftp://example.com/a.png', '/images/a.png', 'javascript:alert(1)'])(
    'leaves out an image that is not an http(s) URL: %j',
    (image) => {
      const outcome = mapValues({ image });
      expect(outcome.attributes).toEqual({ email: EMAIL });
      expect(outcome.warnings).toEqual([{ line: 7, field: 'image', message: 'image is not an http(s) URL and was left out.' }]);
    },
  );
});

describe('createRecordMapper: phone numbers', () => {
  it.each([
    ['E.164 passes unchanged', '+14155552671', undefined, '+14155552671'],
    ['international with spaces', '+49 151 12345678', undefined, '+4915112345678'],
    ['international with punctuation', '+1 (415) 555-2671', undefined, '+14155552671'],
    ['national with a default country', '0151 12345678', 'DE', '+4915112345678'],
    ['national US with a default country', '(415) 555-2671', 'US', '+14155552671'],
    ['international wins over the default country', '+33 6 12 34 56 78', 'DE', '+33612345678'],
    ['a JSON number with a default country', 4155552671, 'US', '+14155552671'],
  ])('%s', (_case, phone, defaultCountry, expected) => {
    const outcome = mapValues({ phone_number: phone }, defaultCountry === undefined ? {} : { defaultCountry });
    expect(outcome.attributes.phone_number).toBe(expected);
    expect(outcome.warnings).toEqual([]);
  });

  it.each([
    ['national without a default country', '0151 12345678', undefined],
    ['garbage', 'call me maybe', undefined],
    ['too short', '+49 1234', undefined],
    ['an unknown country code', '+999 123456789', undefined],
    ['garbage with a default country', 'no phone', 'GB'],
  ])('leaves out %s with a warning and still sends the email', (_case, phone, defaultCountry) => {
    const outcome = mapValues({ phone_number: phone, first_name: 'Jane' }, defaultCountry === undefined ? {} : { defaultCountry });
    expect(outcome.attributes).toEqual({ email: EMAIL, first_name: 'Jane' });
    expect(outcome.warnings).toHaveLength(1);
    expect(outcome.warnings[0]).toMatchObject({ line: 7, field: 'phone_number' });
    expect(outcome.warnings[0]?.message).toMatch(/^phone_number is not a valid phone number/);
    expect(outcome.warnings[0]?.message).not.toContain(String(phone));
  });

  it('points to --default-country only when none was given', () => {
    expect(mapValues({ phone_number: '0151 12345678' }).warnings[0]?.message).toBe(
      'phone_number is not a valid phone number and was left out; use --default-country for national numbers.',
    );
    expect(mapValues({ phone_number: '12' }, { defaultCountry: 'DE' }).warnings[0]?.message).toBe(
      'phone_number is not a valid phone number (national numbers are read as DE) and was left out.',
    );
  });
});

describe('createRecordMapper: rejections', () => {
  it('names the email column in the detail of an email rejection', () => {
    const mapRecord = createRecordMapper({ emailColumn: 'E-Mail', fields: [] });
    expect(mapRecord({ line: 3, fields: { 'E-Mail': ' ' } })).toEqual({
      kind: 'rejected',
      line: 3,
      reason: 'blank_email',
      detail: 'The email column "E-Mail" is empty.',
    });
    expect(mapRecord({ line: 4, fields: { 'E-Mail': 'jane@@example.com' } })).toEqual({
      kind: 'rejected',
      line: 4,
      reason: 'invalid_email',
      detail: 'The email column "E-Mail" does not hold a valid email address.',
    });
  });

  it('never puts an email address or a value in a detail or a warning', () => {
    const mapping = resolveMapping(
      ['Email', 'Phone', 'Photo', 'Name', 'Notes'],
      { maps: ['phone_number=Phone', 'image=Photo', 'first_name=Name', 'properties.notes=Notes'] },
      'segment.csv',
    );
    const mapRecord = createRecordMapper(mapping);
    const secretValues = ['secret.person', 'SECRET.PERSON', '555', 'secret-photo', 'Secretname'];
    const records: RecordToMap[] = [
      { line: 2, fields: { Email: 'secret.person@example.com', Phone: '555 0100', Photo: 'secret-photo', Name: ['Secretname'] } },
      { line: 3, fields: { Email: 'SECRET.PERSON@@example.com', Phone: '555', Name: 'Secretname' } },
      { line: 5, fields: { Email: 'secret.person example.com' } },
    ];
    const outcomes = records.map(mapRecord);
    expect(outcomes.map((outcome) => (outcome.kind === 'profile' ? outcome.warnings.length : outcome.reason))).toEqual([
      3,
      'invalid_email',
      'invalid_email',
    ]);
    const messages = outcomes.flatMap((outcome) =>
      outcome.kind === 'profile' ? outcome.warnings.map((warning) => JSON.stringify(warning)) : [outcome.detail],
    );
    for (const message of messages) {
      for (const secret of secretValues) expect(message.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });
});

describe('createRecordMapper: every profile fits the schema', () => {
  it('produces attributes that profileAttributesSchema accepts as they are', () => {
    const values = {
      first_name: ' Jane ',
      last_name: 'Doe',
      phone_number: '+14155552671',
      external_id: 42,
      organization: 'ACME',
      title: true,
      locale: 'en-US',
      image: 'https://cdn.example.com/a.png',
      'location.address1': '1 Main St',
      'location.address2': 'Floor 2',
      'location.city': 'Springfield',
      'location.region': 'IL',
      'location.zip': '62701',
      'location.country': 'US',
      'location.timezone': 'America/Chicago',
      'properties.tier': 'gold',
      'properties.orders': 3,
      'properties.tags': ['a'],
      'properties.meta': { since: 2020 },
      'properties.vip': false,
    };
    const { attributes } = mapValues(values);
    expect(Object.keys(attributes)).toHaveLength(11);
    expect(profileAttributesSchema.safeParse(attributes)).toEqual({ success: true, data: attributes });
  });
});
