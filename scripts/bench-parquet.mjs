#!/usr/bin/env node
// npm run bench:parquet [rows]: the same segment (1,000,000 rows of the benchmark's 10-column CSV by
// default) as plain CSV and as Parquet (snappy, row groups of 100,000 rows, every column text, as
// a warehouse unloads a CSV-shaped table), and `klaviyo-export validate` on each, twice, alternating.
// Prints wall time, CPU and peak RSS of the CLI process, and the Parquet/CSV ratios of the best runs.
// Targets (issue 17): wall within 1.5x the CSV's, peak RSS no more than 10% above it.
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { BENCH_MAPPING as MAPPING, generateSegment } from './generate-segment.mjs';
import { fmt, runMeasured } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const csvFile = join(dir, `segment-${rows}.csv`);
const parquetFile = join(dir, `segment-${rows}.parquet`);
if (!existsSync(csvFile)) {
  console.log(`Generating ${rows.toLocaleString('en-US')} rows into ${csvFile}...`);
  await generateSegment(rows, csvFile, 1);
}
if (!existsSync(parquetFile)) {
  console.log(`Writing the same rows as Parquet into ${parquetFile}...`);
  await writeParquetCopy(csvFile, parquetFile);
}

async function writeParquetCopy(from, to) {
  let header;
  let columns;
  for await (const record of createReadStream(from).pipe(parse({ relax_column_count: false }))) {
    if (header === undefined) {
      header = record;
      columns = header.map(() => []);
    } else record.forEach((value, index) => columns[index].push(value === '' ? null : value));
  }
  const bytes = parquetWriteBuffer({
    columnData: header.map((name, index) => ({ name, data: columns[index], type: 'STRING', nullable: true })),
    codec: 'SNAPPY',
    rowGroupSize: 100_000,
  });
  writeFileSync(to, Buffer.from(bytes));
}

const files = [
  { label: 'CSV', path: csvFile },
  { label: 'Parquet', path: parquetFile },
];
const best = new Map();
for (let round = 1; round <= 2; round++) {
  for (const { label, path } of files) {
    const result = await runMeasured(['validate', path, '--json', ...MAPPING]);
    if (result.code !== 0) {
      console.error(`validate ${label} exited ${result.code}`);
      process.exit(1);
    }
    const summary = JSON.parse(result.stdout);
    const sizeMb = statSync(path).size / 1e6;
    console.log(
      `${label.padEnd(8)} run ${round}: ${fmt(result.wallSeconds, 2)} s wall, ${fmt(result.cpuSeconds, 2)} s CPU, ${fmt(result.peakRssMb, 0)} MB peak RSS (${fmt(sizeMb)} MB file; rows read ${summary.rows.read.toLocaleString('en-US')}, valid ${summary.rows.valid.toLocaleString('en-US')}, rejected ${summary.rows.rejected.toLocaleString('en-US')})`,
    );
    const previous = best.get(label);
    best.set(label, {
      wall: Math.min(previous?.wall ?? Infinity, result.wallSeconds),
      rss: Math.min(previous?.rss ?? Infinity, result.peakRssMb),
      valid: summary.rows.valid,
    });
  }
}
const csv = best.get('CSV');
const parquet = best.get('Parquet');
if (csv.valid !== parquet.valid) console.error(`The two files disagree: ${csv.valid} valid rows in CSV, ${parquet.valid} in Parquet.`);
console.log(`\nParquet / CSV, best of two runs each:`);
console.log(`wall ratio       ${fmt(parquet.wall / csv.wall, 2)}x  (target <= 1.5x)`);
console.log(`peak RSS ratio   ${fmt(parquet.rss / csv.rss, 2)}x  (target <= 1.10x)`);
