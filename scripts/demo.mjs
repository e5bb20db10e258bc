#!/usr/bin/env node
// npm run demo: starts the sandbox Klaviyo, pushes the bundled example segment to a list as a user
// would against the real API, shows the list's membership, and leaves nothing running.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startSandbox } from '../dist/sandbox/sandbox-server.js';
import { DEFAULT_SANDBOX_KEY } from '../dist/sandbox/sandbox-types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIST_ID = 'Y6nRLr';

const stateDir = mkdtempSync(join(tmpdir(), 'klaviyo-export-demo-'));
const sandbox = await startSandbox({ jobProcessing: { queuedMs: 500, profilesPerSecond: 5_000 } });
console.log(`Sandbox Klaviyo listening on ${sandbox.url} (rate limits as Klaviyo publishes them).\n`);
const args = [
  join(root, 'bin/klaviyo-export.js'),
  'push',
  '--list',
  LIST_ID,
  join(root, 'examples/segment.csv'),
  '--map',
  'first_name=First Name',
  '--map',
  'last_name=Last Name',
  '--map',
  'phone_number=Phone',
  '--default-country',
  'US',
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
  '--batch-size',
  '1000',
  '--yes',
  '--state-dir',
  stateDir,
];
console.log(`$ klaviyo-export push --list ${LIST_ID} examples/segment.csv --map ... --batch-size 1000 --yes\n`);
const child = spawn(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, KLAVIYO_BASE_URL: sandbox.url, KLAVIYO_API_KEY: DEFAULT_SANDBOX_KEY },
});
const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
const members = sandbox.listMemberEmails(LIST_ID);
console.log(`\nThe sandbox list ${LIST_ID} now has ${members.length.toLocaleString('en-US')} members.`);
await sandbox.close();
rmSync(stateDir, { recursive: true, force: true });
process.exit(code);
