#!/usr/bin/env node
// npm run bench:csv [rows]: the two CSV parsers on the file of `npm run bench:read` (1,000,000 rows by
// default), nothing else: csv-parse (the oracle the tokenizer is differential-tested against, in
// src/source/csv-tokenizer.test.ts) and the reader's own CsvTokenizer, each streaming the file in
// 64 KB chunks and counting rows. Each runs in its own process, three times; CPU seconds of the process.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSegment } from './generate-segment.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [first, second] = process.argv.slice(2);

if (first === '--parse') {
  // Child: parse `second`'s file with one parser and print its row count and CPU seconds.
  const [parser, file] = second.split('|');
  const startedAt = process.cpuUsage();
  let rows = 0;
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  if (parser === 'csv-parse') {
    const { parse } = await import('csv-parse');
    const records = stream.pipe(
      parse({ bom: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] }),
    );
    for await (const record of records) if (record) rows++;
  } else {
    const { CsvTokenizer } = await import('../dist/source/csv-tokenizer.js');
    const tokenizer = new CsvTokenizer(',', 1_000_000);
    const onRow = () => rows++;
    for await (const chunk of stream) tokenizer.push(chunk, onRow);
    tokenizer.end(onRow);
  }
  const used = process.cpuUsage(startedAt);
  console.log(JSON.stringify({ rows, cpuSeconds: (used.user + used.system) / 1e6 }));
  process.exit(0);
}

const rows = Number(first ?? 1_000_000);
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `segment-${rows}.csv`);
if (!existsSync(file)) {
  console.log(`Generating ${rows.toLocaleString('en-US')} rows into ${file}...`);
  await generateSegment(rows, file, 1);
}
const figures = { 'csv-parse': [], CsvTokenizer: [] };
for (let round = 0; round < 3; round++) {
  for (const parser of Object.keys(figures)) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--parse', `${parser}|${file}`], { encoding: 'utf8' });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    figures[parser].push(JSON.parse(child.stdout));
  }
}
for (const [parser, runs] of Object.entries(figures)) {
  const seconds = runs.map((run) => run.cpuSeconds.toFixed(2)).join(', ');
  console.log(`${parser.padEnd(13)} ${runs[0].rows.toLocaleString('en-US')} rows; CPU ${seconds} s`);
}
