#!/usr/bin/env node
// npm run bench:read [rows]: generates a 10-column CSV (1,000,000 rows by default) and measures
// `klaviyo-export validate` on it: rows/s, CPU seconds and peak RSS of the CLI process, twice:
// with the benchmark's usual mapping, and with phone_number mapped as well (half the file's numbers
// are in E.164, a quarter national without a default country, a quarter blank).
// Targets (2-core machine): under 8 s of CPU and under 256 MB peak RSS for 1,000,000 rows; with
// phone_number mapped, under 5 s wall.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSegment } from './generate-segment.mjs';
import { fmt, runMeasured } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `segment-${rows}.csv`);
if (!existsSync(file)) {
  console.log(`Generating ${rows.toLocaleString('en-US')} rows into ${file}...`);
  await generateSegment(rows, file, 1);
}
const sizeMb = statSync(file).size / 1e6;
const MAPPING = [
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
const RUNS = [
  { name: 'usual mapping', args: MAPPING, wallTarget: undefined },
  { name: '+ phone_number=Phone', args: [...MAPPING, '--map', 'phone_number=Phone'], wallTarget: 5 },
];

for (const run of RUNS) {
  console.log(`\nMeasuring validate on ${rows.toLocaleString('en-US')} rows (${fmt(sizeMb)} MB), ${run.name}...`);
  const result = await runMeasured(['validate', file, '--json', ...run.args]);
  if (result.code !== 0) {
    console.error(`validate exited ${result.code}`);
    process.exit(1);
  }
  const summary = JSON.parse(result.stdout);
  const phoneWarnings = summary.warnings?.find((warning) => warning.reason === 'phone_number')?.count ?? 0;
  console.log(
    `rows read        ${summary.rows.read.toLocaleString('en-US')} (valid ${summary.rows.valid.toLocaleString('en-US')}, rejected ${summary.rows.rejected.toLocaleString('en-US')}, duplicates ${summary.rows.duplicates.toLocaleString('en-US')})`,
  );
  if (run.wallTarget !== undefined) console.log(`phones left out  ${phoneWarnings.toLocaleString('en-US')}`);
  console.log(`wall             ${fmt(result.wallSeconds, 2)} s${run.wallTarget === undefined ? '' : `  (target < ${run.wallTarget} s)`}`);
  console.log(`rows/s           ${Math.round(summary.rows.read / result.wallSeconds).toLocaleString('en-US')}`);
  console.log(`CPU (user+sys)   ${fmt(result.cpuSeconds, 2)} s  (target < 8 s)`);
  console.log(`peak RSS         ${fmt(result.peakRssMb, 0)} MB  (target < 256 MB)`);
}
