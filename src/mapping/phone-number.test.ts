import { getCountries, getCountryCallingCode, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { InternationalPhoneNumbers } from './international-phone-number.js';
import { createPhoneNumberNormalizer, normalizePhoneNumber } from './phone-number.js';

/** A small deterministic PRNG (mulberry32), so the corpus is the same on every run. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomGenerator(20261130);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const digits = (count: number): string => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');

const COUNTRIES = getCountries();
const CALLING_CODES = [...new Set(COUNTRIES.map((country) => getCountryCallingCode(country)))];
/** Non-geographic calling codes (international freephone, satellite, ...). */
const NON_GEOGRAPHIC = ['800', '808', '870', '878', '881', '882', '883', '888', '979'];
const DEFAULT_COUNTRIES: readonly (CountryCode | undefined)[] = [
  undefined,
  'US',
  'DE',
  'GB',
  'FR',
  'BR',
  'AR',
  'MX',
  'IT',
  'IN',
  'JP',
  'RU',
  'AU',
];
const EXTENSIONS = [' ext. 12', ' x12', ' ext 4567', ';ext=99', ' #123', ' extension 7'];

/** Real numbers of every country (libphonenumber's examples), and random digits after every calling code. */
function internationalNumbers(): string[] {
  const numbers: string[] = [];
  for (const country of COUNTRIES) {
    const example = getExampleNumber(country, examples);
    if (example === undefined) continue;
    numbers.push(example.number);
    const national = example.nationalNumber;
    // Neighbours of a real number: one digit changed, one more or one fewer, a national prefix kept.
    for (let variant = 0; variant < 20; variant++) {
      const at = Math.floor(random() * national.length);
      numbers.push(`+${example.countryCallingCode}${national.slice(0, at)}${digits(1)}${national.slice(at + 1)}`);
    }
    numbers.push(`+${example.countryCallingCode}${national}${digits(1)}`, `+${example.countryCallingCode}${national.slice(0, -1)}`);
    numbers.push(`+${example.countryCallingCode}0${national}`, `+${example.countryCallingCode}1${national}`);
  }
  for (const callingCode of [...CALLING_CODES, ...NON_GEOGRAPHIC]) {
    for (let count = 0; count < 120; count++) numbers.push(`+${callingCode}${digits(1 + Math.floor(random() * 15))}`);
  }
  for (let count = 0; count < 20_000; count++) numbers.push(`+${digits(1 + Math.floor(random() * 19))}`);
  // The shapes of `npm run bench`'s file, and other NANP numbers.
  for (let count = 0; count < 5_000; count++)
    numbers.push(`+1${pick(['617', '212', '415', '800', '555', '011', '684', '787', '876'])}${digits(7)}`);
  return numbers;
}

/** How people write numbers: national, spaced, punctuated, with extensions, with mistakes. */
function writtenNumbers(international: readonly string[]): string[] {
  const written: string[] = [];
  for (const number of international.slice(0, 30_000)) {
    const body = number.slice(1);
    switch (Math.floor(random() * 9)) {
      case 0:
        written.push(`+${body.slice(0, 2)} ${body.slice(2, 5)} ${body.slice(5)}`);
        break;
      case 1:
        written.push(`00${body}`);
        break;
      case 2:
        written.push(`0${body.slice(2)}`);
        break;
      case 3:
        written.push(`${number}${pick(EXTENSIONS)}`);
        break;
      case 4:
        written.push(`(${body.slice(1, 4)}) ${body.slice(4, 7)}-${body.slice(7)}`);
        break;
      case 5:
        written.push(`＋${body}`, `tel:${number}`, `${number}abc`);
        break;
      case 6:
        written.push(
          body,
          `+${body}`.replace(/\d/, (digit) => String.fromCharCode(0xff10 + Number(digit))),
        );
        break;
      case 7:
        written.push(
          `+${body.slice(0, 1)} (${body.slice(1, 4)}) ${body.slice(4, 7)}-${body.slice(7)}`,
          `+${body.slice(0, 2)}.${body.slice(2, 5)}.${body.slice(5)}`,
          `+${body.slice(0, 2)} (0) ${body.slice(2)}`,
          `+${body.slice(0, 3)}-${body.slice(3)}-`,
          `+(${body.slice(0, 2)}) ${body.slice(2)}`,
        );
        break;
      default:
        written.push(`${body.slice(0, 3)}.${body.slice(3, 6)}.${body.slice(6)}`, `+ ${body}`, `++${body}`);
    }
  }
  written.push(
    '',
    '+',
    '+1',
    '+12',
    '+123',
    '+0123456789',
    'n/a',
    'call me',
    '+1 (617) 555-1234 ext. 5',
    '(617) 555-1234',
    '617-555-1234 x7',
  );
  return written;
}

describe('the fast phone path gives exactly libphonenumber-js answers', () => {
  const international = internationalNumbers();
  const corpus = [...international, ...writtenNumbers(international)];

  it(`on a generated corpus of ${corpus.length.toLocaleString('en-US')} texts, with and without default countries`, () => {
    const normalize = createPhoneNumberNormalizer();
    const mismatches: string[] = [];
    let valid = 0;
    let withExtension = 0;
    let checked = 0;
    for (const text of corpus) {
      for (const country of [undefined, pick(DEFAULT_COUNTRIES)]) {
        const expected = normalizePhoneNumber(text, country);
        const actual = normalize(text, country);
        checked++;
        if (expected !== undefined) valid++;
        if (expected?.hadExtension === true) withExtension++;
        if (JSON.stringify(actual) !== JSON.stringify(expected) && mismatches.length < 20) {
          mismatches.push(
            `${JSON.stringify(text)} (${country ?? 'no country'}): ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // The corpus holds both answers in numbers, so that a wrong fast path would show.
    expect(checked).toBeGreaterThan(200_000);
    expect(valid).toBeGreaterThan(20_000);
    expect(checked - valid).toBeGreaterThan(50_000);
    expect(withExtension).toBeGreaterThan(1_000);
  });

  it('the international texts take the fast path, the others do not', () => {
    const fast = new InternationalPhoneNumbers();
    const handled = international.filter((text) => /^\+\d{4,17}$/.test(text));
    expect(handled.length).toBeGreaterThan(40_000);
    for (const text of handled) expect(fast.normalize(text)).not.toBeUndefined();
    expect(fast.normalize('+1 (617) 555-1234')).toBe('+16175551234');
    for (const text of ['＋16175551234', '16175551234', '+123', '+123456789012345678', '+1 617 555 1234 x5', '+1/617/5551234']) {
      expect(fast.normalize(text)).toBeUndefined();
    }
  });

  it('keeps, normalises and drops as before on hand-picked numbers', () => {
    const normalize = createPhoneNumberNormalizer();
    expect(normalize('+16175551234', undefined)).toEqual({ e164: '+16175551234', hadExtension: false });
    expect(normalize('+4915112345678', undefined)).toEqual({ e164: '+4915112345678', hadExtension: false });
    expect(normalize('+49015112345678', undefined)).toEqual(normalizePhoneNumber('+49015112345678', undefined));
    expect(normalize('(617) 555-1234', undefined)).toBeUndefined();
    expect(normalize('(617) 555-1234', 'US')).toEqual({ e164: '+16175551234', hadExtension: false });
    expect(normalize('+1 617 555 1234 ext. 5', undefined)).toEqual({ e164: '+16175551234', hadExtension: true });
    expect(normalize('+1999', undefined)).toBeUndefined();
  });
});
