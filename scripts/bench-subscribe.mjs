#!/usr/bin/env node
// npm run bench:subscribe [rows]: pushes a generated segment (1,000,000 rows by default, half of them
// consenting to email) with --subscribe email into a list of the sandbox Klaviyo running in this
// process, with Klaviyo's real rate limits, and reports the time beside the floor that Klaviyo's
// published limits allow: the consent lookups (100 emails a request, 750/min) dominate; the subscribe
// requests (1,000 a request, 750/min, a limit of their own) overlap them; the import comes first. Target: at most 1.2x the
// floor, 0 x 429, every consenting row subscribed and no other.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
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
/** Klaviyo's published limits (spec, x-klaviyo-ratelimit): profiles lookup and subscribe 750/min, bulk import 150/min. */
const PER_MINUTE = { lookup: 750, subscribe: 750, import: 150 };
const TARGET_RATIO = 1.2;
const JOB_PROCESSING = { queuedMs: 1_000, profilesPerSecond: 10_000 };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(rows) || rows <= 0) {
  console.error('usage: npm run bench:subscribe -- [rows]   (rows: a positive whole number, default 1000000)');
  process.exit(2);
}
const count = (n) => n.toLocaleString('en-US');

const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `consent-${rows}.csv`);
const random = mulberry32(7);
const out = createWriteStream(file);
let buffer = 'email,Accepts Email Marketing\n';
let consenting = 0;
for (let i = 0; i < rows; i += 1) {
  const isConsenting = random() < CONSENT_SHARE;
  if (isConsenting) consenting += 1;
  buffer += `person.${i}@example.com,${isConsenting ? 'yes' : 'no'}\n`;
  if (buffer.length > 1 << 16) {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  }
}
out.end(buffer);
await once(out, 'finish');

const lookups = Math.ceil(consenting / 100);
const subscribes = Math.ceil(consenting / 1000);
const imports = Math.ceil(rows / 10_000);
// As the issue counts it: the consent lookups alone (the import before them adds imports / 150 min).
const floorSeconds = Math.max(lookups / PER_MINUTE.lookup, subscribes / PER_MINUTE.subscribe) * 60;

const sandbox = await startSandbox({ rateLimits: 'klaviyo', jobProcessing: JOB_PROCESSING });
const stateDir = mkdtempSync(join(tmpdir(), 'klaviyo-export-bench-'));
let result;
let stats;
let subscribed = 0;
try {
  console.log(
    `Pushing ${count(rows)} rows (${fmt(statSync(file).size / 1e6)} MB, ${count(consenting)} consenting) with --subscribe email...`,
  );
  result = await runMeasured(
    [
      'push',
      '--list',
      LIST_ID,
      '--yes',
      '--json',
      file,
      '--state-dir',
      stateDir,
      '--subscribe',
      'email',
      '--email-consent-column',
      'Accepts Email Marketing',
    ],
    { env: { KLAVIYO_BASE_URL: sandbox.url, KLAVIYO_API_KEY: DEFAULT_SANDBOX_KEY } },
  );
  stats = sandbox.stats();
  for (let i = 0; i < rows; i += 1) if (sandbox.profileConsent(`person.${i}@example.com`)?.email.consent === 'SUBSCRIBED') subscribed += 1;
} finally {
  await sandbox.close();
  rmSync(stateDir, { recursive: true, force: true });
}

const summary = JSON.parse(result.stdout);
const ratio = result.wallSeconds / floorSeconds;
console.log(`push exit code   ${result.code} (outcome ${summary.outcome})`);
console.log(
  `floor            ${fmt(floorSeconds, 0)} s: ${count(lookups)} lookups at ${PER_MINUTE.lookup}/min (${count(subscribes)} subscribe requests overlap them; the import's ${count(imports)} requests at ${PER_MINUTE.import}/min come first)`,
);
console.log(
  `wall             ${fmt(result.wallSeconds, 0)} s = ${fmt(ratio, 2)} x the floor (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
);
console.log(`CPU, peak RSS    ${fmt(result.cpuSeconds, 1)} s, ${fmt(result.peakRssMb, 0)} MB`);
console.log(
  `requests         ${Object.entries(stats.requests)
    .map(([operation, n]) => `${operation} ${count(n)}`)
    .join(', ')}`,
);
console.log(`429s             sandbox ${count(stats.throttled)} (target 0) ${stats.throttled === 0 ? 'PASS' : 'FAIL'}`);
console.log(
  `subscribed       ${count(subscribed)} of ${count(consenting)} consenting (summary: ${count(summary.subscription?.subscribed.email ?? 0)}) ${subscribed === consenting ? 'PASS' : 'FAIL'}`,
);
process.exit(subscribed === consenting && result.code === 0 ? 0 : 1);
