import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/sandbox-server.js';
import { BIN, makeTempDir, runCli, type CliResult } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

/** Issue 18: what a new user meets in the first hour. Each process run asserts several things. */

const KEY = 'pk_e2e_first_hour_0123456789abcdef';
const LIST = 'Y6nRLr';
const FAST_JOBS = { queuedMs: 20, profilesPerSecond: 100_000 };

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: FAST_JOBS, ...options });
  return sandbox;
}

function env(url = sandbox!.url): Record<string, string> {
  return { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: url };
}

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function jsonLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('waits are told, and a run that ends with problems names the cause', () => {
  it('a retry storm: the first wait in plain words at once, the rest counted into one line, not one per request', async () => {
    await start({ faults: { throttleAll: true } });
    const result = await runCli(['lists'], { env: env() });
    expect(result.code).toBe(1);
    const waits = result.stderr.split('\n').filter((line) => /retrying|Still waiting/.test(line));
    expect(waits[0]).toBe('Listing the lists failed (HTTP 429): retrying in 1 s (attempt 2 of 7).');
    expect(waits[1]).toMatch(/^Still waiting: [2-5] retries of listing the lists after HTTP 429, up to 1 s\.$/);
    // Six retries in about six seconds: two or three lines, not six.
    expect(waits.length).toBeLessThanOrEqual(3);
    expect(result.stderr).toMatch(/error: .*429 after 7 attempts/);
  }, 60_000);

  it('a job that stays queued is a wait too: a waiting-for-jobs event in the JSON log, and with --verbose every request', async () => {
    await start({ jobProcessing: { queuedMs: 9_000, profilesPerSecond: 100_000 } });
    const { file } = writeSegment(20);
    const args = ['push', '--list', LIST, '--yes', '--log-format', 'json', '--verbose', '--state-dir', makeTempDir(), file];
    const result = await runCli(args, { env: env() });
    expect(result.code).toBe(0);
    const events = jsonLines(result.stderr);
    const waiting = events.find((event) => event.event === 'waiting-for-jobs');
    expect(waiting).toMatchObject({ level: 'info', jobs: 1 });
    expect(waiting?.message).toMatch(/^Waiting for Klaviyo to finish 1 import job \(1 queued\); the longest for \d+ s\.$/);
    const requests = events.filter((event) => event.event === 'request');
    expect(requests.map((event) => event.operation)).toEqual(
      expect.arrayContaining(['get_list', 'bulk_import_profiles', 'get_bulk_import_profiles_job']),
    );
    expect(requests[0]).toMatchObject({ level: 'debug', status: 200 });
  }, 60_000);

  it('after Ctrl-C: the rejects line counts rows as the summary does, the summary says how the same command resumes, and it does', async () => {
    await start({ faults: { latencyMs: 150 }, jobProcessing: { queuedMs: 50, profilesPerSecond: 100_000 } });
    const dir = makeTempDir();
    const lines = Array.from({ length: 3000 }, (_, i) => `user${i}@example.com`);
    const file = write(dir, 'segment.csv', `email\n${lines.join('\n')}\nnot-an-email\n`);
    const args = [
      'push',
      '--list',
      LIST,
      '--yes',
      '--batch-size',
      '100',
      '--state-dir',
      join(dir, 'state'),
      '--rejects',
      join(dir, 'rejects.csv'),
      file,
    ];
    let accepted = 0;
    const stopped = await runCli([...args, '--log-format', 'json'], {
      env: env(),
      killWhen: (line) => line.includes('"event":"accepted"') && ++accepted >= 3,
      killSignal: 'SIGINT',
    });
    expect(stopped.code).toBe(130);
    // Without --verbose, the JSON log carries no line per request.
    expect(jsonLines(stopped.stderr).some((event) => event.event === 'request')).toBe(false);
    const written = jsonLines(stopped.stderr).find((event) => event.event === 'rejects-written')!;
    const byKind = written.byKind as Record<string, number>;
    expect(byKind.rejected).toBe(1);
    expect(written.message).toMatch(/^[\d,]+ rows written to .*rejects\.csv: 1 rejected, /);
    expect(written.rows).toBe(Object.values(byKind).reduce((sum, count) => sum + count, 0));
    expect(stopped.stdout).toMatch(/^ {2}rejected {13}1$/m);
    expect(stopped.stdout).toMatch(/^Interrupted: /m);
    const resumeLine = stopped.stdout.trimEnd().split('\n').at(-1)!;
    expect(resumeLine).toMatch(
      /^Run the same command again to resume from the checkpoint: .*\d+ requests? \([\d,]+ profiles?\) (is|are) sent\.$/,
    );

    // The next run does exactly what the sentence said.
    const resumed = await runCli(args, { env: env() });
    expect(resumed.code).toBe(0);
    const count = (pattern: RegExp, text: string) => Number(pattern.exec(text)?.[1]?.replace(/,/g, '') ?? 0);
    const send = /^Sending .*$/m.exec(resumed.stderr)![0];
    expect(count(/([\d,]+) requests? \(/, resumeLine)).toBe(count(/ in ([\d,]+) requests?/, send));
    expect(count(/\(([\d,]+) profiles?\)/, resumeLine)).toBe(count(/^Sending ([\d,]+) profiles?/, send));
    expect(count(/([\d,]+) accepted jobs? (?:is|are) followed up/, resumeLine)).toBe(count(/following up ([\d,]+) jobs?/, send));
    expect(resumed.stderr).toContain('Resuming the earlier, unfinished push of this file to this list');
    expect(resumed.stdout).toContain('Done: every valid profile was imported into the list.');
    expect(resumed.stdout).not.toMatch(/to resume/);
    expect(sandbox!.listMemberEmails(LIST)).toHaveLength(3000);
  }, 120_000);
});

describe('files first, output folders, --rejects -', () => {
  it('a missing file is named before any request (no DNS error), and --rejects - is stdout or refused, never a file named "-"', async () => {
    const dir = makeTempDir();
    const missing = await runCli(['push', '--list', LIST, '--yes', 'segmnt.csv', '--state-dir', join(dir, 'state')], {
      cwd: dir,
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: 'https://klaviyo-export-e2e.invalid' },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: segmnt.csv: file not found');
    expect(missing.stderr).not.toMatch(/ENOTFOUND|Could not reach/);

    write(dir, 'segment.csv', 'email,name\na@example.com,Ann\nnot-an-email,Bob\n');
    const piped = await runCli(['validate', 'segment.csv', '--rejects', '-'], { cwd: dir });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(
      'line,reason,detail,email,name\n3,invalid_email,"The email column ""email"" does not hold a valid email address: it has no @.",not-an-email,Bob\n',
    );
    expect(piped.stderr).toMatch(/^Plan for segment\.csv \(nothing sent\)$/m);
    expect(piped.stderr).toContain('1 row written to standard output: 1 rejected.');
    const refused = await runCli(['validate', 'segment.csv', '--rejects', '-', '--json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--json and --rejects - both write to standard output');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('unattended: rejected rows end with a warning naming --rejects and a GitHub ::warning; --report folders are created; --verbose', async () => {
    await start();
    const dir = makeTempDir();
    write(dir, 'segment.csv', 'email\na@example.com\nb@example.com\nnot-an-email\n');
    const result = await runCli(['push', '--list', LIST, '--yes', '--verbose', 'segment.csv', '--report', 'out/reports/today.json'], {
      cwd: dir,
      env: { ...env(), GITHUB_ACTIONS: 'true' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: 1 row of segment.csv was rejected and not sent (invalid_email: 1); pass --rejects <file.csv> to get each one with its line, reason and values, to fix and push again.',
    );
    expect(result.stdout).toMatch(
      /^::warning title=klaviyo-export push::Delivered: 2 of 2 valid profiles imported, 0 refused, 1 row rejected\.$/m,
    );
    expect(JSON.parse(readFileSync(join(dir, 'out', 'reports', 'today.json'), 'utf8')).outcome).toBe('delivered');
    expect(result.stderr).toMatch(/^GET reading the list: HTTP 200 in \d+ ms\.$/m);
    expect(result.stderr).toMatch(/^POST importing profiles into the list: HTTP 202 in \d+ ms\.$/m);
  });
});

describe('messages that no longer mislead', () => {
  it("check --help promises no write check; a saved connection's baseUrl is named as such; init --yes writes what run reads", async () => {
    const help = await runCli(['check', '--help']);
    expect(help.stdout).toContain('write permission cannot be checked without writing');
    expect(help.stdout).not.toMatch(/can push to a list/);

    await start();
    const dir = makeTempDir();
    write(dir, 'vip.csv', 'Email Address,First Name,Phone,Tier\nann@example.com,Ann,(617) 555-0100,gold\nnot-an-email,Bob,,\n');
    const noTerminal = await runCli(['init'], { cwd: dir, env: env() });
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/pass --yes with --list and --file/);
    const init = await runCli(
      ['init', '--yes', '--list', 'newsletter', '--file', 'vip.csv', '--acknowledge-privacy', '--rejects', 'out/rejects.csv'],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('warning: phone numbers written without +country are left out of their profiles: pass --default-country');
    const config = JSON.parse(readFileSync(join(dir, 'klaviyo-export.json'), 'utf8'));
    expect(config.connections.main).toMatchObject({ apiKeyEnv: 'KLAVIYO_API_KEY', baseUrl: sandbox!.url });
    expect(config.exports.vip).toMatchObject({
      list: LIST,
      emailField: 'Email Address',
      map: { first_name: 'First Name', phone_number: 'Phone' },
      rejects: 'out/rejects.csv',
    });

    // No KLAVIYO_BASE_URL now: the saved connection's URL is used, and named for what it is.
    const run = await runCli(['run', 'vip'], { cwd: dir, env: { KLAVIYO_API_KEY: KEY } });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`(set by the baseUrl of connection "main" in ${join(dir, 'klaviyo-export.json')})`);
    expect(run.stderr).not.toContain('the --base-url option');
    expect(readFileSync(join(dir, 'out', 'rejects.csv'), 'utf8')).toContain('not-an-email');
    expect(statSync(join(dir, 'out', 'rejects.csv')).mode & 0o777).toBe(0o600);
    expect(sandbox!.listMemberEmails(LIST)).toEqual(['ann@example.com']);
  });

  it('sandbox --host 0.0.0.0 prints a URL the CLI accepts', async () => {
    const { child, output } = await startSandboxCommand(['--host', '0.0.0.0', '--no-rate-limits', '--key', KEY]);
    try {
      const url = /export KLAVIYO_BASE_URL=(\S+)/.exec(output)![1]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(output).toContain('Listening on every address of this machine');
      const lists = await runCli(['lists'], { env: env(url) });
      expect(lists.code).toBe(0);
      expect(lists.stdout).toContain('Newsletter');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it.skipIf(!hasScript())(
    'init on a terminal: columns regardless of case, the default country for phones, a rejects file and a report',
    async () => {
      await start();
      const dir = makeTempDir();
      write(dir, 'vip.csv', 'Email Address,First Name,Phone,Tier\nann@example.com,Ann,(617) 555-0100,gold\n');
      // Typed ahead, one line per question: connection, key variable, agreement, list, file, email column,
      // mapping, properties, default country, export name, rejects, report ('' takes the default).
      const answers = ['', '', 'yes', 'newsletter', 'vip.csv', 'email address', '', 'no', 'us', '', '', ''];
      const result = await runOnTerminal([process.execPath, BIN, 'init'], env(), {
        when: 'Connection name',
        answerAfterMs: 0,
        answer: `${answers.join('\r')}\r`,
        cwd: dir,
      });
      expect(result.code).toBe(0);
      expect(result.output).toContain('Mapping (- for none) [first_name=First Name, phone_number=Phone]');
      expect(result.output).toContain('Send the other columns as custom properties (Tier)? (yes/no) [yes]');
      expect(result.output).toContain('Default country (- for none) [-]');
      const config = JSON.parse(readFileSync(join(dir, 'klaviyo-export.json'), 'utf8'));
      expect(config.connections.main.baseUrl).toBe(sandbox!.url);
      expect(config.exports.vip).toEqual({
        connection: 'main',
        list: LIST,
        file: 'vip.csv',
        emailField: 'Email Address',
        map: { first_name: 'First Name', phone_number: 'Phone' },
        defaultCountry: 'US',
        noProperties: true,
        rejects: 'vip-rejects.csv',
        report: 'vip-report.json',
      });
    },
    60_000,
  );

  it.skipIf(!hasScript())(
    "time at the confirmation prompt is not counted as the run's",
    async () => {
      await start();
      const dir = makeTempDir();
      const { file } = writeSegment(5, { dir });
      const report = join(dir, 'report.json');
      const command = [process.execPath, BIN, 'push', '--list', LIST, '--state-dir', join(dir, 'state'), '--report', report, file];
      const result = await runOnTerminal(command, env(), { when: 'Continue? [y/N]', answerAfterMs: 2_500, answer: 'y\r' });
      expect(result.code).toBe(0);
      const { timings } = JSON.parse(readFileSync(report, 'utf8'));
      expect(timings.promptMs).toBeGreaterThanOrEqual(2_400);
      expect(timings.totalMs).toBeLessThan(Date.now() - Date.parse(timings.startedAt) - 2_000);
      expect(result.output).toMatch(/elapsed +[\d.]+ s \(and [\d.]+ s at the confirmation prompt\)/);
    },
    60_000,
  );
});

function hasScript(): boolean {
  return spawnSync('script', ['--version']).status === 0;
}

/** Runs `command` on a pseudo-terminal (util-linux `script`), typing `answer` once `when` shows and `answerAfterMs` passed. */
function runOnTerminal(
  command: string[],
  environment: Record<string, string>,
  options: { when: string; answerAfterMs: number; answer: string; cwd?: string },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qefc', quoted, '/dev/null'], {
      cwd: options.cwd ?? makeTempDir(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...environment },
    });
    let output = '';
    let isAnswered = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!isAnswered && output.includes(options.when)) {
        isAnswered = true;
        setTimeout(() => child.stdin.write(options.answer), options.answerAfterMs);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** `klaviyo-export sandbox` as a process, once it has printed how to reach it. */
function startSandboxCommand(args: string[]): Promise<{ child: ChildProcess; output: string; exited: Promise<CliResult> }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const exited = runCli(['sandbox', '--port', '0', ...args], {
      timeoutMs: 30_000,
      onSpawn: (child) => {
        child.stdout?.on('data', (chunk: Buffer | string) => {
          output += chunk.toString();
          if (output.includes('Press Ctrl-C to stop.')) resolve({ child, output, exited });
        });
      },
    });
    exited.then((result) => reject(new Error(`sandbox exited early: ${JSON.stringify(result)}`)), reject);
  });
}
