#!/usr/bin/env node
// npm run bench:subscribe:nightly [rows]: the consent step of a nightly --changed-only --subscribe
// push. Pushes a generated segment (1,000,000 rows by default, half of them consenting to email) into
// the sandbox Klaviyo running in this process, with Klaviyo's real rate limits, then changes 1% of
// the rows (half of those a name, half their consent) and pushes again with the same command. The
// consent journal and the sync state let the nightly run look up and subscribe only the rows whose
// consent changed. Prints, for both runs, the consent step's time (from the `subscribe` log event
// to `subscribe-done`), its lookups and subscribe requests, and the rows skipped as unchanged.
// Target: the nightly consent step in seconds (< 60 s), every consenting row subscribed exactly once.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../dist/sandbox/sandbox-server.js';
import { DEFAULT_SANDBOX_KEY } from '../dist/sandbox/sandbox-types.js';
import { mulberry32 } from '../dist/prng.js';
import { fmt, runMeasured } from './lib/measure.mjs';

const LIST_ID = 'Y6nRLr';
const CONSENT_SHARE = 0.5;
const CHANGED_SHARE = 0.01;
const TARGET_NIGHTLY_SECONDS = 60;
const JOB_PROCESSING = { queuedMs: 1_000, profilesPerSecond: 10_000 };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(rows) || rows <= 0) {
  console.error('usage: npm run bench:subscribe:nightly -- [rows]   (rows: a positive whole number, default 1000000)');
  process.exit(2);
}
const count = (n) => n.toLocaleString('en-US');
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });

// Which rows consent the first night, and which change by the second: the same for every run of the script.
const random = mulberry32(11);
const consentsFirst = new Uint8Array(rows);
for (let i = 0; i < rows; i += 1) consentsFirst[i] = random() < CONSENT_SHARE ? 1 : 0;
const changeEvery = Math.round(1 / CHANGED_SHARE);
/** 'name' or 'consent' for a changed row, undefined for the others. */
const changeOf = (i) => (i % changeEvery !== 0 ? undefined : (i / changeEvery) % 2 === 0 ? 'name' : 'consent');

async function writeSegment(file, isNightly) {
  const out = createWriteStream(file);
  let buffer = 'email,first_name,Accepts Email Marketing\n';
  let consenting = 0;
  for (let i = 0; i < rows; i += 1) {
    const change = isNightly ? changeOf(i) : undefined;
    const consents = change === 'consent' ? !consentsFirst[i] : consentsFirst[i] === 1;
    if (consents) consenting += 1;
    buffer += `person.${i}@example.com,${change === 'name' ? `Renamed ${i}` : `Person ${i}`},${consents ? 'yes' : 'no'}\n`;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return consenting;
}

const sandbox = await startSandbox({ rateLimits: 'klaviyo', jobProcessing: JOB_PROCESSING });
const stateDir = mkdtempSync(join(tmpdir(), 'klaviyo-export-bench-'));
const runs = [];
let twice = 0;
let subscribed = 0;
let consentingNightly = 0;
try {
  for (const night of ['first push', 'nightly rerun']) {
    const isNightly = night === 'nightly rerun';
    const file = join(dir, `consent-${rows}-${isNightly ? 'nightly' : 'first'}.csv`);
    const consenting = await writeSegment(file, isNightly);
    if (isNightly) consentingNightly = consenting;
    const before = sandbox.stats();
    console.log(`${night}: ${count(rows)} rows, ${count(consenting)} consenting, --changed-only --subscribe email...`);
    const times = {};
    const result = await runMeasured(
      [
        'push',
        '--list',
        LIST_ID,
        '--yes',
        '--json',
        '--log-format',
        'json',
        '--changed-only',
        '--state-dir',
        stateDir,
        '--subscribe',
        'email',
        '--email-consent-column',
        'Accepts Email Marketing',
        '--map',
        'first_name=first_name',
        file,
      ],
      {
        env: { KLAVIYO_BASE_URL: sandbox.url, KLAVIYO_API_KEY: DEFAULT_SANDBOX_KEY },
        onStderrLine: (line) => {
          try {
            const event = JSON.parse(line).event;
            if (event === 'subscribe' || event === 'subscribe-done') times[event] = performance.now();
          } catch {
            // Not a JSON log line.
          }
        },
      },
    );
    const after = sandbox.stats();
    const summary = JSON.parse(result.stdout);
    const delta = (operation) => (after.requests[operation] ?? 0) - (before.requests[operation] ?? 0);
    runs.push({
      night,
      code: result.code,
      outcome: summary.outcome,
      wallSeconds: result.wallSeconds,
      peakRssMb: result.peakRssMb,
      consentSeconds: times.subscribe === undefined ? 0 : ((times['subscribe-done'] ?? performance.now()) - times.subscribe) / 1000,
      lookups: delta('get_profiles'),
      subscribeRequests: delta('bulk_subscribe_profiles'),
      imports: delta('bulk_import_profiles'),
      skippedUnchanged: summary.subscription?.skippedUnchanged ?? 0,
      subscribed: summary.subscription?.subscribed.email ?? 0,
      sync: summary.sync,
    });
  }
  twice = sandbox.stats().profilesSubscribedTwice;
  for (let i = 0; i < rows; i += 1) if (sandbox.profileConsent(`person.${i}@example.com`)?.email.consent === 'SUBSCRIBED') subscribed += 1;
} finally {
  await sandbox.close();
  rmSync(stateDir, { recursive: true, force: true });
}

console.log('');
console.log('run             exit  wall s  consent step s  imports  lookups  subscribe req  skipped unchanged  subscribed  peak RSS MB');
for (const run of runs) {
  console.log(
    [
      run.night.padEnd(14),
      String(run.code).padStart(5),
      fmt(run.wallSeconds, 1).padStart(7),
      fmt(run.consentSeconds, 1).padStart(15),
      count(run.imports).padStart(8),
      count(run.lookups).padStart(8),
      count(run.subscribeRequests).padStart(14),
      count(run.skippedUnchanged).padStart(18),
      count(run.subscribed).padStart(11),
      fmt(run.peakRssMb, 0).padStart(12),
    ].join(' '),
  );
}
const [first, nightly] = runs;
console.log(
  `nightly sync     ${count(nightly.sync.updated)} updated, ${count(nightly.sync.unchanged)} unchanged (skipped from the import)`,
);
console.log(
  `consent step     first ${fmt(first.consentSeconds, 1)} s, nightly ${fmt(nightly.consentSeconds, 1)} s = ${fmt(first.consentSeconds / Math.max(nightly.consentSeconds, 0.001), 0)}x faster (target nightly < ${TARGET_NIGHTLY_SECONDS} s) ${nightly.consentSeconds < TARGET_NIGHTLY_SECONDS ? 'PASS' : 'FAIL'}`,
);
const isExact = subscribed === consentingNightly + countTurnedOff() && twice === 0;
console.log(
  `subscribed once  ${count(subscribed)} profiles subscribed in the sandbox, ${count(twice)} subscribed twice (target 0) ${isExact ? 'PASS' : 'FAIL'}`,
);
process.exit(isExact && nightly.consentSeconds < TARGET_NIGHTLY_SECONDS && runs.every((run) => run.code === 0) ? 0 : 1);

/** Rows that consented the first night and said no the second: still subscribed (a push never unsubscribes). */
function countTurnedOff() {
  let n = 0;
  for (let i = 0; i < rows; i += 1) if (changeOf(i) === 'consent' && consentsFirst[i] === 1) n += 1;
  return n;
}
