#!/usr/bin/env node
// npm run bench:parquet [rows]: the same segment (1,000,000 rows of the benchmark's 10-column CSV by
// default) as plain CSV and as Parquet in two shapes, and `klaviyo-export validate` on each, twice,
// alternating:
// - Parquet: snappy, row groups of 100,000 rows, every column text, as a warehouse unloads a
//   CSV-shaped table;
// - Parquet (pyarrow): as pandas' to_parquet writes it, typed columns (customer_id INT64, Signup
//   Date TIMESTAMP), the whole file one row group, no offset index.
// Prints wall time, CPU and peak RSS of the CLI process, and the Parquet/CSV ratios of the best runs.
// Targets (issue 17): wall within 1.5x the CSV's, peak RSS no more than 10% above it.
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { BENCH_MAPPING as MAPPING, generateSegment } from './generate-segment.mjs';
import { fmt, measureInFreshProcess, runMeasured } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const csvFile = join(dir, `segment-${rows}.csv`);
const parquetFile = join(dir, `segment-${rows}.parquet`);
const pyarrowFile = join(dir, `segment-${rows}.pyarrow.parquet`);
let generated = false;
if (!existsSync(csvFile)) {
  generated = true;
  console.log(`Generating ${rows.toLocaleString('en-US')} rows into ${csvFile}...`);
  await generateSegment(rows, csvFile, 1);
}
if (!existsSync(parquetFile) || !existsSync(pyarrowFile)) {
  generated = true;
  console.log(`Writing the same rows as Parquet into ${parquetFile} and ${pyarrowFile}...`);
  const { header, columns } = await readColumns(csvFile);
  const textColumns = header.map((name, index) => ({ name, data: columns[index], type: 'STRING', nullable: true }));
  writeFileSync(parquetFile, Buffer.from(parquetWriteBuffer({ columnData: textColumns, codec: 'SNAPPY', rowGroupSize: 100_000 })));
  const typed = textColumns.map((column) => ({ ...column, ...typedAsPandasWould(column), offsetIndex: false }));
  writeFileSync(pyarrowFile, Buffer.from(parquetWriteBuffer({ columnData: typed, codec: 'SNAPPY', rowGroupSize: rows })));
}
if (generated) measureInFreshProcess();

async function readColumns(from) {
  let header;
  let columns;
  for await (const record of createReadStream(from).pipe(parse({ relax_column_count: false }))) {
    if (header === undefined) {
      header = record;
      columns = header.map(() => []);
    } else record.forEach((value, index) => columns[index].push(value === '' ? null : value));
  }
  return { header, columns };
}

/** The id as an INT64 and the signup date as a timestamp (datetime64), as pandas infers them; the rest stays text. */
function typedAsPandasWould({ name, data }) {
  if (name === 'customer_id') return { type: 'INT64', data: data.map((value) => (value === null ? null : BigInt(value))) };
  if (name === 'Signup Date')
    return { type: 'TIMESTAMP', data: data.map((value) => (value === null ? null : new Date(`${value}T00:00:00Z`))) };
  return {};
}

const files = [
  { label: 'CSV', path: csvFile },
  { label: 'Parquet', path: parquetFile },
  { label: 'Parquet (pyarrow)', path: pyarrowFile },
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
      `${label.padEnd(17)} run ${round}: ${fmt(result.wallSeconds, 2)} s wall, ${fmt(result.cpuSeconds, 2)} s CPU, ${fmt(result.peakRssMb, 0)} MB peak RSS (${fmt(sizeMb)} MB file; rows read ${summary.rows.read.toLocaleString('en-US')}, valid ${summary.rows.valid.toLocaleString('en-US')}, rejected ${summary.rows.rejected.toLocaleString('en-US')})`,
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
for (const label of ['Parquet', 'Parquet (pyarrow)']) {
  const parquet = best.get(label);
  if (csv.valid !== parquet.valid) console.error(`The files disagree: ${csv.valid} valid rows in CSV, ${parquet.valid} in ${label}.`);
  console.log(`\n${label} / CSV, best of two runs each:`);
  console.log(`wall ratio       ${fmt(parquet.wall / csv.wall, 2)}x  (target <= 1.5x)`);
  console.log(`peak RSS ratio   ${fmt(parquet.rss / csv.rss, 2)}x  (target <= 1.10x)`);
}
