import { describe, expect, it } from 'vitest';
import type { PropertyValue } from './field-value.js';
import { jsonMemberName, orderPropertyNames, ProfileAttributesWriter } from './profile-attributes-writer.js';
import { mulberry32 } from '../prng.js';

const TRICKY_UNITS = [
  '"',
  '\\',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '€',
  '\u2028',
  '\ud83d\ude00',
  '\ud800',
  '\udfff',
  '/',
  '<',
];

function randomText(random: () => number, maxLength = 12): string {
  let text = '';
  const length = Math.floor(random() * maxLength) + 1;
  for (let i = 0; i < length; i++) {
    const pick = random();
    if (pick < 0.6) text += String.fromCharCode(0x20 + Math.floor(random() * 95));
    else if (pick < 0.9) text += TRICKY_UNITS[Math.floor(random() * TRICKY_UNITS.length)];
    else text += String.fromCharCode(Math.floor(random() * 0x10000));
  }
  return text;
}

const PROPERTY_NAMES = ['tier', '0', '7', '10', '01', '4294967294', '4294967295', 'a"b', 'näme', '-1', '1.5', 'z'];

function randomPropertyValue(random: () => number): PropertyValue {
  const pick = random();
  if (pick < 0.5) return randomText(random);
  if (pick < 0.65) return Math.floor(random() * 2000) - 1000 + (random() < 0.3 ? 0.25 : 0);
  if (pick < 0.75) return random() < 0.5;
  if (pick < 0.88) return [randomText(random), 1, null];
  return { [randomText(random, 4)]: randomText(random), n: 2 };
}

/** Writes one random profile both ways: through the writer and as an object for JSON.stringify. */
function writeRandomProfile(random: () => number, writer: ProfileAttributesWriter) {
  const attributes: Record<string, unknown> = { email: randomText(random) };
  const location: Record<string, string> = {};
  const properties: Record<string, PropertyValue> = {};
  writer.start(attributes['email'] as string);
  for (const name of ['first_name', 'phone_number', 'external_id']) {
    if (random() < 0.4) continue;
    const text = randomText(random);
    attributes[name] = text;
    writer.addAttribute(jsonMemberName(name), text);
  }
  for (const name of ['city', 'region', 'zip']) {
    if (random() < 0.5) continue;
    const text = randomText(random);
    location[name] = text;
    writer.addLocation(jsonMemberName(name), text);
  }
  const names = PROPERTY_NAMES.filter(() => random() < 0.4).map((name) => ({ name }));
  for (const { name } of orderPropertyNames(names)) {
    const value = randomPropertyValue(random);
    properties[name] = value;
    writer.addProperty(jsonMemberName(name), value);
  }
  // Built in the mapper's order: location and properties are added last.
  if (Object.keys(location).length > 0) attributes['location'] = location;
  if (Object.keys(properties).length > 0) attributes['properties'] = properties;
  const json = writer.finish();
  return { json, bytes: writer.byteLength(json), expected: JSON.stringify(attributes) };
}

describe('ProfileAttributesWriter', () => {
  it('writes exactly the bytes of JSON.stringify, and their UTF-8 size, for random profiles', () => {
    const random = mulberry32(20260715);
    const writer = new ProfileAttributesWriter();
    for (let run = 0; run < 5000; run++) {
      const { json, bytes, expected } = writeRandomProfile(random, writer);
      expect(json).toBe(expected);
      expect(bytes).toBe(Buffer.byteLength(expected, 'utf8'));
    }
  });

  it('writes plain ASCII without escaping and counts one byte per character', () => {
    const writer = new ProfileAttributesWriter();
    writer.start('jane@example.com');
    writer.addAttribute(jsonMemberName('first_name'), 'Jane');
    writer.addLocation(jsonMemberName('city'), 'Paris');
    writer.addProperty(jsonMemberName('tier'), 'gold');
    const json = writer.finish();
    expect(json).toBe('{"email":"jane@example.com","first_name":"Jane","location":{"city":"Paris"},"properties":{"tier":"gold"}}');
    expect(writer.byteLength(json)).toBe(json.length);
  });

  it('counts the UTF-8 bytes of a multibyte value, a multibyte name and a non-text property', () => {
    const writer = new ProfileAttributesWriter();
    for (const write of [
      () => writer.addAttribute(jsonMemberName('first_name'), 'Zoë'),
      () => writer.addProperty(jsonMemberName('größe'), 'L'),
      () => writer.addProperty(jsonMemberName('tags'), ['€']),
    ]) {
      writer.start('jane@example.com');
      write();
      const json = writer.finish();
      expect(writer.byteLength(json)).toBe(Buffer.byteLength(json, 'utf8'));
    }
  });
});

describe('orderPropertyNames', () => {
  it('puts array-index names first, ascending, then the others in the order given', () => {
    const names = ['tier', '10', '01', '2', '4294967295', '4294967294', '0', '-1'].map((name) => ({ name }));
    expect(orderPropertyNames(names).map((field) => field.name)).toEqual(
      Object.keys(Object.fromEntries(names.map(({ name }) => [name, true]))),
    );
  });
});
