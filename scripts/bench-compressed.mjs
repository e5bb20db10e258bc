#!/usr/bin/env node
// npm run bench:compressed [rows] [rounds]: `klaviyo-export validate` on the same rows (1,000,000
// by default) as a plain CSV, as one .csv.gz, and as a folder of 8 gzip shards (each with the
// header, plus a _SUCCESS marker), in turns, `rounds` times (default 3). Prints each run's wall time,
// CPU and peak RSS, and the ratios of the medians to the plain CSV's.
// Targets: wall time within 1.3x of the plain CSV, peak RSS within 1.10x (docs/performance.md).
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip, gzipSync } from 'node:zlib';
import { BENCH_MAPPING as MAPPING, generateSegment } from './generate-segment.mjs';
import { fmt, measureInFreshProcess, runMeasured } from './lib/measure.mjs';

const SHARDS = 8;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });

const plain = join(dir, `segment-${rows}.csv`);
let generated = false;
if (!existsSync(plain)) {
  generated = true;
  console.log(`Generating ${rows.toLocaleString('en-US')} rows into ${plain}...`);
  await generateSegment(rows, plain, 1);
}
const gzipped = `${plain}.gz`;
if (!existsSync(gzipped)) {
  generated = true;
  console.log(`Compressing ${gzipped}...`);
  await pipeline(createReadStream(plain), createGzip(), createWriteStream(gzipped));
}
const shards = join(dir, `segment-${rows}-shards`);
if (!existsSync(join(shards, '_SUCCESS'))) {
  generated = true;
  console.log(`Writing ${SHARDS} gzip shards into ${shards}...`);
  rmSync(shards, { recursive: true, force: true });
  mkdirSync(shards);
  const text = readFileSync(plain, 'utf8');
  const newline = text.indexOf('\n');
  const header = text.slice(0, newline + 1);
  const lines = text
    .slice(newline + 1)
    .split('\n')
    .filter((line) => line !== '');
  const perShard = Math.ceil(lines.length / SHARDS);
  for (let shard = 0; shard < SHARDS; shard += 1) {
    const body = lines.slice(shard * perShard, (shard + 1) * perShard).join('\n');
    writeFileSync(join(shards, `${String(shard).padStart(4, '0')}_part_00.gz`), gzipSync(`${header}${body}\n`));
  }
  writeFileSync(join(shards, '_SUCCESS'), '');
}
if (generated) measureInFreshProcess();

const INPUTS = [
  { name: 'plain CSV', path: plain },
  { name: '.csv.gz', path: gzipped },
  { name: `${SHARDS} gzip shards`, path: shards },
];
const results = new Map(INPUTS.map((input) => [input.name, []]));
let expectedRows;
for (let round = 1; round <= rounds; round += 1) {
  for (const input of INPUTS) {
    const result = await runMeasured(['validate', input.path, '--json', ...MAPPING]);
    if (result.code !== 0) {
      console.error(`validate of ${input.name} exited ${result.code}`);
      process.exit(1);
    }
    const summary = JSON.parse(result.stdout);
    expectedRows ??= summary.rows;
    if (JSON.stringify(summary.rows) !== JSON.stringify(expectedRows)) {
      console.error(`${input.name} read other rows: ${JSON.stringify(summary.rows)} vs ${JSON.stringify(expectedRows)}`);
      process.exit(1);
    }
    results.get(input.name).push(result);
    console.log(
      `round ${round}  ${input.name.padEnd(16)} wall ${fmt(result.wallSeconds, 2)} s  CPU ${fmt(result.cpuSeconds, 2)} s  peak RSS ${fmt(result.peakRssMb, 0)} MB`,
    );
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = results.get('plain CSV');
const baseWall = median(base.map((result) => result.wallSeconds));
const baseRss = median(base.map((result) => result.peakRssMb));
console.log(`\n${rows.toLocaleString('en-US')} rows (${JSON.stringify(expectedRows)}), medians of ${rounds} rounds:`);
for (const input of INPUTS) {
  const runs = results.get(input.name);
  const wall = median(runs.map((result) => result.wallSeconds));
  const rss = median(runs.map((result) => result.peakRssMb));
  const ratios =
    input.path === plain
      ? ''
      : `  wall ${fmt(wall / baseWall, 2)}x (target <= 1.30x)  peak RSS ${fmt(rss / baseRss, 2)}x (target <= 1.10x)`;
  console.log(`${input.name.padEnd(16)} wall ${fmt(wall, 2)} s  peak RSS ${fmt(rss, 0)} MB${ratios}`);
}
