import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../errors.js';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../sandbox/sandbox-server.js';
import { acquireRunLock } from '../../state/run-lock.js';
import { makeTempDir, runInProcess, type InProcessOptions } from '../cli-harness.test-support.js';

const KEY = 'pk_in_process_0123456789abcdef';
const LIST = 'Y6nRLr';
const FAST_JOBS = { queuedMs: 10, profilesPerSecond: 1_000_000 };
/** Jobs that stay queued for the whole test: a stop finds them in flight. */
const STUCK_JOBS = { queuedMs: 600_000, profilesPerSecond: 1 };

let sandbox: SandboxHandle;
let dir: ReturnType<typeof makeTempDir>;

async function start(options: SandboxOptions = {}): Promise<void> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], rateLimits: 'off', jobProcessing: FAST_JOBS, ...options });
}

beforeEach(() => {
  dir = makeTempDir();
});
afterEach(async () => {
  await sandbox?.close();
  dir.remove();
});

function segment(text: string): string {
  const file = join(dir.path, 'segment.csv');
  writeFileSync(file, text);
  return file;
}

function push(args: string[], options: Partial<InProcessOptions> = {}) {
  return runInProcess(['push', '--list', LIST, ...args], { cwd: dir.path, env: { apiKey: KEY, baseUrl: sandbox.url }, ...options });
}

const GOOD = 'email\na@example.com\nb@example.com\n';
const ONE_BAD = 'email\na@example.com\nnot-an-email\n';
const ALL_BAD = 'email\nnope\n\n';

describe('push, in process', () => {
  it('delivers a file: exit 0, the summary on stdout, milestones on stderr, the state directory left empty of checkpoints', async () => {
    await start();
    const result = await push([segment(GOOD), '--yes']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^Push of .*segment\.csv to list .*Y6nRLr/);
    expect(result.stdout).toMatch(/^ {2}imported by Klaviyo {2}2$/m);
    expect(result.stderr).toContain('List "Newsletter" (Y6nRLr) found.');
    expect(result.stderr).toContain('Sending 2 profiles in 1 request to list Y6nRLr...');
    expect(sandbox.listMemberEmails(LIST).sort()).toEqual(['a@example.com', 'b@example.com']);
    expect(readdirSync(join(dir.path, '.klaviyo-export')).filter((name) => name.endsWith('.checkpoint.json'))).toEqual([]);
  });

  // The stop rules: each outcome, its exit code, and whether anything reached Klaviyo.
  it.each([
    { rule: 'strict with a rejected row', file: ONE_BAD, args: ['--strict'], outcome: 'rejected-strict', code: 2, jobs: 0 },
    { rule: 'no valid row', file: ALL_BAD, args: [], outcome: 'nothing-to-send', code: 1, jobs: 0 },
    { rule: 'a header and no row', file: 'email\n', args: [], outcome: 'too-few-rows', code: 2, jobs: 0 },
    { rule: 'a header and no row, --allow-empty', file: 'email\n', args: ['--allow-empty'], outcome: 'empty', code: 0, jobs: 0 },
    { rule: 'fewer rows than --min-rows', file: GOOD, args: ['--min-rows', '3'], outcome: 'too-few-rows', code: 2, jobs: 0 },
    {
      rule: 'more rejected than --max-rejected',
      file: ONE_BAD,
      args: ['--max-rejected', '10%'],
      outcome: 'too-many-rejected',
      code: 2,
      jobs: 0,
    },
    { rule: 'one rejected row without --strict', file: ONE_BAD, args: [], outcome: 'delivered', code: 0, jobs: 1 },
    { rule: '--no-wait', file: GOOD, args: ['--no-wait'], outcome: 'submitted', code: 0, jobs: 1 },
  ])('$rule: outcome $outcome, exit $code', async ({ file, args, outcome, code, jobs }) => {
    await start();
    const result = await push([segment(file), '--yes', '--json', ...args]);
    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome, command: 'push' });
    expect(sandbox.stats().jobsCreated).toBe(jobs);
  });

  it.each([
    { answer: 'n\n', outcome: 'declined', code: 1, members: 0 },
    { answer: 'y\n', outcome: 'delivered', code: 0, members: 2 },
  ])('asks on a terminal; answering $answer gives $outcome (exit $code)', async ({ answer, outcome, code, members }) => {
    await start();
    const result = await push([segment(GOOD), '--json'], { isTerminal: true, stdin: answer });
    expect(result.stderr).toContain('About to add 2 profiles to account "Sandbox Store", list "Newsletter" (Y6nRLr). Continue? [y/N]');
    expect(result.code).toBe(code);
    expect(JSON.parse(result.stdout).outcome).toBe(outcome);
    expect(sandbox.listMemberEmails(LIST)).toHaveLength(members);
  });

  it('a first Ctrl-C while a job is followed up: exit 130, the summary says the rows are unconfirmed, the checkpoint kept', async () => {
    await start({ jobProcessing: STUCK_JOBS });
    const result = await push([segment(GOOD), '--yes', '--json', '--log-format', 'json'], {
      onOutput: ({ stderr }, interrupt) => {
        if (stderr.includes('"event":"accepted"'))
          interrupt(new InterruptedError('Interrupted by SIGINT (send it again to stop at once).'));
      },
    });
    expect(result.code).toBe(130);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ outcome: 'interrupted', delivery: { sent: 2, imported: 0, unconfirmed: 2 } });
    expect(result.stderr).toMatch(/"event":"stopping"/);
    expect(result.stderr).toMatch(/"event":"done","outcome":"interrupted"/);
    // The same command resumes from the checkpoint: the accepted job is followed up, not sent again.
    const again = await push([segment(GOOD), '--yes', '--log-format', 'json', '--no-wait']);
    expect(again.stderr).toMatch(/"event":"checkpoint-resume"/);
    expect(sandbox.stats().jobsCreated).toBe(1);
  });

  it('the --timeout deadline while a job is followed up: exit 1 and the deadline named', async () => {
    await start({ jobProcessing: STUCK_JOBS });
    const result = await push([segment(GOOD), '--yes', '--json', '--timeout', '300ms']);
    expect(result.code).toBe(1);
    // Under load the deadline may pass before the file is read: then the run ends with the error instead of a summary.
    const output = JSON.parse(result.stdout);
    expect(output.outcome === 'deadline' || output.error === 'The --timeout deadline passed; stopped.').toBe(true);
    expect(result.stderr).toContain('The --timeout deadline passed; stopped.');
  });

  it('exits 4, naming the holder, while another live process holds the list lock', async () => {
    await start();
    const stateDir = join(dir.path, 'state');
    const held = await acquireRunLock(stateDir, LIST, { pid: process.ppid, isProcessAlive: () => true });
    const result = await push([segment(GOOD), '--yes', '--state-dir', stateDir]);
    await held.release();
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(`^error: Another klaviyo-export push to list ${LIST} is running \\(pid ${process.ppid} `, 'm'),
    );
    expect(sandbox.stats().jobsCreated).toBe(0);
  });

  it.each([
    { name: 'no API key', args: [], env: {}, code: 2, error: /^error: No API key: set KLAVIYO_API_KEY/ },
    { name: 'a wrong key', args: [], env: { apiKey: 'pk_wrong' }, code: 3, error: /^error: Klaviyo refused the API key \(401\)/m },
    { name: 'an unknown list', args: ['--list', 'Nope12'], env: {}, code: 3, error: /Nope12/ },
    { name: 'a bad option value', args: ['--batch-size', '0'], env: {}, code: 2, error: /--batch-size/ },
  ])('$name: exit $code with one sentence', async ({ args, env, code, error }) => {
    await start();
    const result = await runInProcess(['push', '--list', LIST, segment(GOOD), '--yes', ...args], {
      cwd: dir.path,
      env: { apiKey: KEY, baseUrl: sandbox.url, ...env, ...('apiKey' in env || args.length > 0 ? {} : { apiKey: undefined }) },
    });
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(error);
    expect(result.stderr).not.toContain(KEY);
    expect(sandbox.stats().jobsCreated).toBe(0);
  });
});
