#!/usr/bin/env node
// Writes a realistic segment CSV: 10 columns, a share of invalid and duplicate emails, national and
// international phone numbers, ZIP codes with leading zeros. Deterministic for a given seed.
// Usage: node scripts/generate-segment.mjs <rows> <out.csv> [seed]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from '../dist/prng.js';

const FIRST = [
  'Ann',
  'Bob',
  'Chloé',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'José',
  'Kai',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoë',
];
const LAST = [
  'Smith',
  'García',
  "O'Brien",
  'Müller',
  'Nguyen',
  'Kowalski',
  'Rossi',
  'Svensson',
  'Tanaka',
  'Dubois',
  'Okafor',
  'Cohen',
  'Silva',
  'Khan',
  'Larsen',
];
const CITIES = [
  ['Boston', 'MA', '02108'],
  ['Newark', 'NJ', '07102'],
  ['Austin', 'TX', '73301'],
  ['Portland', 'OR', '97201'],
  ['Denver', 'CO', '80202'],
  ['Chicago', 'IL', '60601'],
];
const TIERS = ['gold', 'silver', 'bronze', 'vip'];
const DOMAINS = ['example.com', 'mail.example.org', 'shop.example.net', 'example.co.uk'];

function csvField(value) {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Returns { rows, expectedEmails: Set<string> } (lower-cased emails that should reach the list). */
/** The bench file's columns mapped to Klaviyo fields, as both benchmarks push and validate it. */
export const BENCH_MAPPING = [
  '--map',
  'first_name=First Name',
  '--map',
  'last_name=Last Name',
  '--map',
  'location.city=City',
  '--map',
  'location.region=State',
  '--map',
  'location.zip=ZIP',
  '--map',
  'properties.tier=Tier',
  '--map',
  'external_id=customer_id',
  '--map',
  'properties.signup_date=Signup Date',
];

export async function generateSegment(rows, outPath, seed = 42, { collectExpected = false } = {}) {
  const random = mulberry32(seed);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const out = createWriteStream(outPath);
  const expected = collectExpected ? new Set() : undefined;
  const recent = [];
  let buffer = 'customer_id,Email,First Name,Last Name,Phone,City,State,ZIP,Tier,Signup Date\n';
  for (let i = 1; i <= rows; i += 1) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [city, state, zip] = pick(CITIES);
    const roll = random();
    let email = `${first}.${last}.${i}@${pick(DOMAINS)}`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/'/g, '');
    if (roll < 0.01)
      email = `${first.toLowerCase()}${i}.example.com`; // invalid: no @
    else if (roll < 0.015)
      email = ''; // blank
    else if (roll < 0.035 && recent.length > 0) email = `  ${pick(recent).toUpperCase()}  `; // duplicate of a recent row, other case
    const phone =
      random() < 0.5
        ? `+1617555${String(1000 + (i % 9000)).padStart(4, '0')}`
        : random() < 0.5
          ? `(617) 555-${String(i % 10000).padStart(4, '0')}`
          : '';
    const date = `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    buffer += [String(100000 + i), email, first, last, phone, city, state, zip, pick(TIERS), date].map(csvField).join(',') + '\n';
    if (expected && email.includes('@')) expected.add(email.trim().toLowerCase());
    if (email.includes('@') && roll >= 0.035) {
      if (recent.length < 16) recent.push(email);
      else recent[i % 16] = email;
    }
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return { rows, expectedEmails: expected };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rows, outPath, seed] = process.argv.slice(2);
  if (!rows || !outPath) {
    console.error('usage: node scripts/generate-segment.mjs <rows> <out.csv> [seed]');
    process.exit(2);
  }
  await generateSegment(Number(rows), outPath, Number(seed ?? 42));
}
