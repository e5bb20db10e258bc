import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

/**
 * A push against a sandbox that behaves as Klaviyo's docs leave open (KLAVIYO.md): CDN challenge
 * pages, 400s that name the first, every or no refused profile, import errors pointing only at
 * /data, undocumented job statuses, jobs that take too long, and a key that may not write.
 */
const KEY = 'pk_e2e_undocumented_0123456789abcdef';
const LIST = 'Y6nRLr';
const FAST_JOBS = { queuedMs: 20, profilesPerSecond: 100_000 };

let sandbox: SandboxHandle | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir;
}

async function start(options: SandboxOptions): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: FAST_JOBS, rateLimits: 'off', ...options });
  return sandbox;
}

function push(file: string, cwd: string, args: string[] = []) {
  return runCli(['push', '--list', LIST, '--yes', '--json', file, ...args], {
    cwd,
    env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
    timeoutMs: 120_000,
  });
}

/** The rejects file's rows as [line, reason, email]. */
function rejectRows(path: string): [number, string, string][] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  expect(header).toBe('line,reason,detail,email,first_name,tier');
  return rows.map((row) => {
    const cells = row.split(',');
    return [Number(cells[0]), cells[1]!, cells[3]!];
  });
}

const members = () => sandbox!.listMemberEmails(LIST).sort();

describe('a key without write permission', () => {
  it('meets it at the first upload, alone: exit 3, the same message as ever, no other upload, nothing written', async () => {
    await start({ keys: [{ key: KEY, scopes: ['lists:read', 'profiles:read'] }] });
    const dir = tempDir();
    const { file } = writeSegment(500, { dir });
    const result = await push(file, dir, ['--batch-size', '50']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /Klaviyo refused importing profiles into the list \(403\): the API key lacks the scopes lists:write, profiles:write; create a private key with lists:write, profiles:write/,
    );
    expect(sandbox!.stats().requests.bulk_import_profiles).toBe(1);
    expect(sandbox!.stats().jobsCreated).toBe(0);
    expect(members()).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });
});

describe('CDN challenge pages', () => {
  it('are retried, in the preflight, the uploads and the polls: every profile delivered, exit 0', async () => {
    await start({ faults: { seed: 11, cdnChallengeRate: 0.25 } });
    const dir = tempDir();
    const { file, emails } = writeSegment(1000, { dir });
    const result = await push(file, dir, ['--batch-size', '100']);
    expect(result.stderr).not.toMatch(/scope/);
    expect(result.code).toBe(0);
    expect(members()).toEqual([...emails].sort());
    const summary = JSON.parse(result.stdout);
    expect(summary.outcome).toBe('delivered');
    expect(summary.delivery.retries).toBeGreaterThan(0);
    expect(sandbox!.stats().faultsInjected).toBeGreaterThan(0);
  }, 120_000);
});

describe('bulk-import 400s for refused emails', () => {
  const REFUSED_INDICES = [3, 150, 151, 299, 420, 777];

  async function pushWithRefusals(refuseEmailsAs: 'first' | 'all' | 'none') {
    await start({ faults: { refuseEmails: REFUSED_INDICES.map((i) => `user${i}@example.com`), refuseEmailsAs } });
    const dir = tempDir();
    const { file, emails } = writeSegment(800, { dir });
    const rejects = join(dir, 'rejects.csv');
    const result = await push(file, dir, ['--batch-size', '400', '--rejects', rejects]);
    return { result, emails, rejects };
  }

  it.each(['first', 'all', 'none'] as const)(
    'lose only the refused profiles when the 400 names %s of them: exit 1, exact members, rejects holding exactly them',
    async (refuseEmailsAs) => {
      const { result, emails, rejects } = await pushWithRefusals(refuseEmailsAs);
      expect(result.code).toBe(1);
      const refused = new Set(REFUSED_INDICES.map((i) => `user${i}@example.com`));
      expect(members()).toEqual(emails.filter((email) => !refused.has(email)).sort());
      const rows = rejectRows(rejects);
      expect(rows.map(([line]) => line).sort((a, b) => a - b)).toEqual(REFUSED_INDICES.map((i) => i + 2));
      for (const [line, reason, email] of rows) {
        expect(reason).toBe('klaviyo_invalid');
        expect(email).toBe(`user${line - 2}@example.com`);
      }
      const summary = JSON.parse(result.stdout);
      expect(summary.outcome).toBe('partially-delivered');
      expect(summary.delivery).toMatchObject({ imported: 794, refused: 6, notDelivered: { count: 0 } });
      // About k·log2(n) extra requests: 2 requests of 400, 3 and 3 refused profiles.
      expect(sandbox!.stats().requests.bulk_import_profiles).toBeLessThanOrEqual(2 + 2 * 3 * 2 * Math.ceil(Math.log2(400)));
      expect(result.stdout).not.toContain('@example.com');
    },
    120_000,
  );
});

describe('the rejects file is fit to fix and push again', () => {
  it('holds every row Klaviyo refused or that stayed unconfirmed with all its original columns, unmapped ones included', async () => {
    await start({ faults: { refuseEmails: ['user5@example.com', 'user33@example.com'], refuseEmailsAs: 'all' } });
    const dir = tempDir();
    const { file } = writeSegment(60, { dir });
    const rejects = join(dir, 'rejects.csv');
    const refused = await push(file, dir, ['--rejects', rejects]);
    expect(refused.code).toBe(1);
    const original = readFileSync(file, 'utf8').trim().split('\n');
    const rows = (path: string) => readFileSync(path, 'utf8').trim().split('\n').slice(1);
    // line,reason,detail, then the file's own row exactly as it stands (tier is not mapped: never sent).
    expect(rows(rejects).map((row) => [row.split(',')[0], row.split(',').slice(3).join(',')])).toEqual([
      ['7', original[6]],
      ['35', original[34]],
    ]);

    const unconfirmed = join(dir, 'unconfirmed.csv');
    const noWait = await push(file, dir, ['--no-wait', '--restart', '--rejects', unconfirmed]);
    expect(noWait.code).toBe(1); // the same two are refused again
    const unconfirmedRows: string[][] = parse(readFileSync(unconfirmed, 'utf8'), { fromLine: 2 });
    expect(unconfirmedRows.filter((cells) => cells[1] === 'unconfirmed')).toHaveLength(58);
    for (const cells of unconfirmedRows) expect(cells.slice(3).join(',')).toBe(original[Number(cells[0]) - 1]);
  }, 120_000);
});

describe('a local failure after uploads had begun', () => {
  it('stops new uploads, accounts for every profile, keeps the checkpoint, names the cause (exit 1); the rerun delivers the rest', async () => {
    await start({ faults: { latencyMs: 100 } });
    const dir = tempDir();
    const { file, emails } = writeSegment(600, { dir });
    const stateDir = join(dir, 'state');
    let isRemoved = false;
    const first = await runCli(
      ['push', '--list', LIST, '--yes', '--json', '--log-format', 'json', '--batch-size', '50', '--state-dir', stateDir, file],
      {
        cwd: dir,
        env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
        timeoutMs: 120_000,
        // The staged request bodies vanish once the first request is accepted, as on a failing disk.
        killWhen: (line) => {
          if (!isRemoved && line.includes('"event":"accepted"')) {
            rmSync(join(stateDir, `push-${LIST}.staging`), { recursive: true, force: true });
            isRemoved = true;
          }
          return false;
        },
      },
    );
    expect(isRemoved).toBe(true);
    expect(first.code).toBe(1);
    const summary = JSON.parse(first.stdout);
    expect(summary.delivery.stoppedBy).toMatch(/^Stopped after uploads had begun, on a local failure: .*\(ENOENT\).*checkpoint is kept/);
    const { imported, refused, notDelivered, unconfirmed } = summary.delivery;
    expect(imported + refused + notDelivered.count + unconfirmed).toBe(600);
    expect(imported).toBeLessThan(600);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(stateDir).some((name) => name.endsWith('.checkpoint.json'))).toBe(true);

    const rerun = await push(file, dir, ['--batch-size', '50', '--state-dir', stateDir]);
    expect(rerun.code).toBe(0);
    expect(members()).toEqual([...emails].sort());
  }, 120_000);
});

describe('outputs checked before anything is sent', () => {
  it('refuses a --report path that cannot be written (exit 2), with no request made', async () => {
    await start({});
    const dir = tempDir();
    const { file } = writeSegment(10, { dir });
    // A missing folder is created; one that cannot be (a file stands in its way) refuses the run.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const result = await push(file, dir, ['--report', join(dir, 'not-a-dir', 'report.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/report\.json.*cannot create the folder of the report \((ENOTDIR|EEXIST)\)/);
    expect(sandbox!.stats().profilesReceived).toBe(0);
    expect(members()).toEqual([]);
  }, 60_000);
});

describe('import errors', () => {
  it('whose pointer is only /data are tied to their rows by original_payload', async () => {
    await start({
      faults: { refuseEmails: ['user7@example.com', 'user42@example.com'], refuseEmailsAs: 'import-errors', importErrorPointer: 'data' },
    });
    const dir = tempDir();
    const { file, emails } = writeSegment(100, { dir });
    const rejects = join(dir, 'rejects.csv');
    const result = await push(file, dir, ['--rejects', rejects]);
    expect(result.code).toBe(1);
    expect(members()).toEqual(emails.filter((email) => !/^user(7|42)@/.test(email)).sort());
    expect(rejectRows(rejects).sort((a, b) => a[0] - b[0])).toEqual([
      [9, 'klaviyo_invalid', 'user7@example.com'],
      [44, 'klaviyo_invalid', 'user42@example.com'],
    ]);
    const summary = JSON.parse(result.stdout);
    expect(summary.delivery).toMatchObject({ imported: 98, refused: 2, refusedWithoutDetail: 0, unattributed: { count: 0, jobs: [] } });
  });

  it('that match no profile sent (no payload, a pointer that is only /data) are counted as unattributed with their job id', async () => {
    await start({
      faults: {
        refuseEmails: ['user7@example.com', 'user42@example.com'],
        refuseEmailsAs: 'import-errors',
        importErrorPointer: 'data',
        importErrorPayload: 'none',
      },
    });
    const dir = tempDir();
    const { file, emails } = writeSegment(100, { dir });
    const result = await push(file, dir, ['--report', join(dir, 'report.json')]);
    expect(result.code).toBe(1);
    expect(members()).toEqual(emails.filter((email) => !/^user(7|42)@/.test(email)).sort());
    const summary = JSON.parse(result.stdout);
    const [job] = summary.delivery.jobs;
    expect(summary.delivery).toMatchObject({ imported: 98, refused: 2, refusedWithoutDetail: 2 });
    expect(summary.delivery.unattributed).toEqual({ count: 2, jobs: [{ jobId: job.jobId, count: 2 }] });
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).delivery.unattributed.count).toBe(2);
  });
});

describe('jobs', () => {
  it('with a status the spec does not name are still followed to their end, with a warning', async () => {
    await start({ jobProcessing: { queuedMs: 1_500, profilesPerSecond: 100_000 }, faults: { unknownJobStatus: 'validating' } });
    const dir = tempDir();
    const { file, emails } = writeSegment(50, { dir });
    const result = await push(file, dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/status Klaviyo does not document \("validating"\); still following it/);
    expect(members()).toEqual([...emails].sort());
  }, 60_000);

  it('not final after --job-timeout leave their profiles unconfirmed (exit 1); the next run follows them up', async () => {
    await start({ jobProcessing: { queuedMs: 4_000, profilesPerSecond: 100_000 } });
    const dir = tempDir();
    const { file, emails } = writeSegment(30, { dir });
    const rejects = join(dir, 'rejects.csv');
    const first = await push(file, dir, ['--job-timeout', '1s', '--rejects', rejects]);
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout).delivery).toMatchObject({ sent: 30, imported: 0, unconfirmed: 30 });
    expect(rejectRows(rejects).every(([, reason]) => reason === 'unconfirmed')).toBe(true);
    expect(readdirSync(join(dir, '.klaviyo-export')).some((name) => name.endsWith('.checkpoint.json'))).toBe(true);

    const second = await push(file, dir);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).delivery).toMatchObject({ imported: 30, unconfirmed: 0 });
    expect(sandbox!.stats().jobsCreated).toBe(1);
    expect(members()).toEqual([...emails].sort());
    expect(existsSync(join(dir, '.klaviyo-export', `push-${LIST}.checkpoint.json`))).toBe(false);
  }, 60_000);

  it('rejects an unparsable --job-timeout with exit 2', async () => {
    await start({});
    const dir = tempDir();
    writeFileSync(join(dir, 'segment.csv'), 'email\na@example.com\n');
    const result = await push(join(dir, 'segment.csv'), dir, ['--job-timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(sandbox!.stats().requests).toEqual({});
  });
});

describe('a base URL that is not Klaviyo’s', () => {
  it('is named on every run with where it came from: a .env in the working directory, on stderr even with -q', async () => {
    await start({});
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), `KLAVIYO_BASE_URL=${sandbox!.url}\nKLAVIYO_API_KEY=${KEY}\n`);
    const { file } = writeSegment(5, { dir });
    const result = await runCli(['push', '--list', LIST, '--yes', '-q', file], { cwd: dir, env: {} });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: Sending the API key and every request to ${sandbox!.url}, not Klaviyo's https://a.klaviyo.com (set by KLAVIYO_BASE_URL in the .env file of the working directory).`,
    );
    const lists = await runCli(['lists'], { cwd: dir, env: {} });
    expect(lists.code).toBe(0);
    expect(lists.stderr).toMatch(/^warning: Sending the API key .* \(set by KLAVIYO_BASE_URL in the \.env file/m);
  });

  it('is a warn event of the JSON log, naming --base-url as its source', async () => {
    await start({});
    const dir = tempDir();
    const { file } = writeSegment(5, { dir });
    const result = await runCli(['push', '--list', LIST, '--yes', '--log-format', 'json', '--base-url', sandbox!.url, file], {
      cwd: dir,
      env: { KLAVIYO_API_KEY: KEY },
    });
    expect(result.code).toBe(0);
    const events = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.find((event) => event.event === 'base-url')).toMatchObject({
      level: 'warn',
      baseUrl: sandbox!.url,
      source: '--base-url',
    });
  });
});
