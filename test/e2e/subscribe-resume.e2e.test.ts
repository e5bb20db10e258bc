import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxSeedProfile } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli, type RunOptions } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_subscribe_resume_0123456789';
const LIST = 'Y6nRLr';
const ROWS = 9_000;
const OPTED_OUT_AT = '2025-01-10T08:00:00Z';
const CONSENT = ['--subscribe', 'email', '--email-consent-column', 'Accepts Email Marketing', '--consented-at-column', 'Consented At'];

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const emailOf = (i: number) => `person${i}@example.com`;
/** Every third row has a past consent time (a historical import: subscribed at once, no email); the others get a confirmation email. */
const hasConsentTime = (i: number) => i % 3 === 0;
/** Rows that say yes but opted out in Klaviyo before: never to be subscribed. */
const OPTED_OUT = [5, 1_234, 4_321, 8_888];

function writeSegment(): string {
  const lines = ['Email,First Name,Accepts Email Marketing,Consented At'];
  for (let i = 0; i < ROWS; i += 1) lines.push(`${emailOf(i)},P${i},yes,${hasConsentTime(i) ? '2024-03-05 14:30:00' : ''}`);
  const file = join(makeTempDir(), 'segment.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const optedOut: SandboxSeedProfile[] = OPTED_OUT.map((i) => ({
  email: emailOf(i),
  emailConsent: 'UNSUBSCRIBED',
  emailConsentAt: OPTED_OUT_AT,
  suppressions: [{ reason: 'UNSUBSCRIBE', at: OPTED_OUT_AT }],
}));

/** A double opt-in list whose subscribe endpoint can kill the CLI right after applying the Nth request from now, before answering. */
async function startKillable(): Promise<{ killAfter: (n: number | undefined) => void; onSpawn: (child: ChildProcess) => void }> {
  let killAt: number | undefined;
  let applied = 0;
  let child: ChildProcess | undefined;
  sandbox = await startSandbox({
    keys: [{ key: KEY, scopes: 'all' }],
    lists: [{ id: LIST, name: 'Newsletter', optInProcess: 'double_opt_in' }],
    jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 },
    profiles: optedOut,
    faults: {
      onSubscribeApplied: (count) => {
        applied = count;
        if (count === killAt) child?.kill('SIGKILL');
      },
    },
  });
  return { killAfter: (n) => (killAt = n === undefined ? undefined : applied + n), onSpawn: (spawned) => (child = spawned) };
}

function push(file: string, stateDir: string, options: RunOptions = {}) {
  return runCli(['push', '--list', LIST, '--yes', '--json', '--log-format', 'json', '--state-dir', stateDir, file, ...CONSENT], {
    env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url },
    timeoutMs: 120_000,
    ...options,
  });
}

/**
 * Nobody subscribed twice, nobody emailed twice, opted-out never subscribed; everyone else handled
 * exactly once, except people whose request the killed run had sent but Klaviyo never received:
 * not sent again (a confirmation might be pending), so untouched. Returns how many those are.
 */
function expectEachPersonAtMostOnce(): number {
  const stats = sandbox!.stats();
  expect(stats.profilesSubscribedTwice).toBe(0);
  expect(stats.profilesConfirmationEmailedTwice).toBe(0);
  for (const i of OPTED_OUT) {
    expect(sandbox!.profileConsent(emailOf(i))).toMatchObject({
      email: { consent: 'UNSUBSCRIBED' },
      counters: { subscriptions: { email: 0 }, confirmationEmails: 0 },
    });
  }
  const wrong: number[] = [];
  let untouched = 0;
  for (let i = 0; i < ROWS; i += 1) {
    if (OPTED_OUT.includes(i)) continue;
    const counters = sandbox!.profileConsent(emailOf(i))?.counters;
    const subscriptions = counters?.subscriptions.email ?? 0;
    const emails = counters?.confirmationEmails ?? 0;
    if (subscriptions === 0 && emails === 0 && !hasConsentTime(i)) untouched += 1;
    else if (hasConsentTime(i) ? subscriptions !== 1 || emails !== 0 : subscriptions !== 0 || emails !== 1) wrong.push(i);
  }
  expect(wrong).toEqual([]);
  return untouched;
}

function isEvent(line: string, name: string): boolean {
  try {
    return (JSON.parse(line) as { event?: string }).event === name;
  } catch {
    return false;
  }
}

describe('push --subscribe killed (SIGKILL) and run again', () => {
  it.each([1, 4, 7])(
    'after subscribe request %i: the rerun subscribes nobody twice, emails nobody twice, never subscribes an opted-out profile',
    async (requests) => {
      const { killAfter, onSpawn } = await startKillable();
      const file = writeSegment();
      const stateDir = makeTempDir();
      killAfter(requests);
      const killed = await push(file, stateDir, { onSpawn });
      expect(killed.signal).toBe('SIGKILL');
      // The journal holds hashes only: no address of the file.
      const journal = readdirSync(stateDir).find((name) => name.endsWith('.consent-journal'));
      expect(journal).toBeDefined();
      expect(readFileSync(join(stateDir, journal!), 'utf8')).not.toContain('@example.com');

      killAfter(undefined);
      const rerun = await push(file, stateDir, { onSpawn });
      expect(rerun.code).toBe(0);
      const untouched = expectEachPersonAtMostOnce();
      const subscription = JSON.parse(rerun.stdout).subscription;
      expect(untouched).toBeLessThanOrEqual(subscription.interrupted.notResent.count);
      // Answered requests are skipped (neither looked up nor sent); unanswered ones are uncertain.
      expect(subscription.skippedUnchanged + subscription.interrupted.uncertain).toBeGreaterThanOrEqual(300 * requests);
      // The request Klaviyo applied but whose answer the killed run never read: settled, not sent again blindly.
      expect(subscription.interrupted.uncertain).toBeGreaterThan(0);
      expect(subscription.interrupted.subscribedAlready + subscription.interrupted.notResent.count).toBeGreaterThan(0);
      expect(rerun.stdout + rerun.stderr).not.toContain('person1@');
    },
    180_000,
  );

  it('between the import and the consent step: the rerun subscribes everyone once', async () => {
    const { onSpawn } = await startKillable();
    const file = writeSegment();
    const stateDir = makeTempDir();
    const killed = await push(file, stateDir, { onSpawn, killWhen: (line) => isEvent(line, 'subscribe') });
    expect(killed.signal).toBe('SIGKILL');
    expect(sandbox!.stats().requests.bulk_subscribe_profiles).toBeUndefined();

    const rerun = await push(file, stateDir, { onSpawn });
    expect(rerun.code).toBe(0);
    expect(expectEachPersonAtMostOnce()).toBe(0);
    expect(JSON.parse(rerun.stdout).subscription).toMatchObject({ skippedUnchanged: 0, interrupted: null });
  }, 180_000);

  it('killed twice in a row (after request 3, then request 2 of the rerun), the third run still emails nobody twice', async () => {
    const { killAfter, onSpawn } = await startKillable();
    const file = writeSegment();
    const stateDir = makeTempDir();
    killAfter(3);
    expect((await push(file, stateDir, { onSpawn })).signal).toBe('SIGKILL');
    killAfter(2);
    expect((await push(file, stateDir, { onSpawn })).signal).toBe('SIGKILL');
    killAfter(undefined);
    const last = await push(file, stateDir, { onSpawn });
    expect(last.code).toBe(0);
    expectEachPersonAtMostOnce();
  }, 240_000);
});

describe('push --subscribe --changed-only', () => {
  function writeRows(rows: { email: string; name: string; consent: string; at: string }[]): string {
    const file = join(makeTempDir(), 'segment.csv');
    const body = rows.map((row) => `${row.email},${row.name},${row.consent},${row.at}`).join('\n');
    writeFileSync(file, `Email,First Name,Accepts Email Marketing,Consented At\n${body}\n`);
    return file;
  }
  const base = Array.from({ length: 300 }, (_, i) => ({ email: emailOf(i), name: `P${i}`, consent: i % 2 === 0 ? 'yes' : 'no', at: '' }));

  it('compares consent value and time: only changed consent is looked up and subscribed; the rest is skipped as unchanged', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 } });
    const stateDir = makeTempDir();
    const first = await runCli(
      ['push', '--list', LIST, '--yes', '--json', '--state-dir', stateDir, '--changed-only', writeRows(base), ...CONSENT],
      { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url } },
    );
    expect(first.code).toBe(0);
    const lookupsBefore = sandbox.stats().requests.get_profiles ?? 0;

    // A changed name (consenting row), a no that became yes, a new consent time: three changes.
    const changed = base.map((row, i) =>
      i === 0 ? { ...row, name: 'Renamed' } : i === 1 ? { ...row, consent: 'yes' } : i === 2 ? { ...row, at: '2024-03-05' } : row,
    );
    const nightly = await runCli(
      ['push', '--list', LIST, '--yes', '--json', '--state-dir', stateDir, '--changed-only', writeRows(changed), ...CONSENT],
      { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url } },
    );
    expect(nightly.code).toBe(0);
    const summary = JSON.parse(nightly.stdout);
    expect(summary.sync).toMatchObject({ updated: 3, unchanged: 297 });
    // Row 0 changed only its name: imported again, its consent unchanged so not subscribed again; rows 1 and 2 are.
    expect(summary.subscription).toMatchObject({ skippedUnchanged: 149, subscribed: { email: 2 }, requests: { lookups: 1 } });
    expect(sandbox.stats().requests.get_profiles! - lookupsBefore).toBe(1);
    expect(sandbox.profileConsent(emailOf(1))?.email.consent).toBe('SUBSCRIBED');
    expect(sandbox.profileConsent(emailOf(2))?.counters.subscriptions.email).toBe(2);
    expect(sandbox.profileConsent(emailOf(0))?.counters.subscriptions.email).toBe(1);
    expect(nightly.stdout + nightly.stderr).not.toContain('person0@');
  }, 120_000);

  it('after a kill during the consent step, unchanged rows still get subscribed by the next --changed-only run', async () => {
    const { killAfter, onSpawn } = await startKillable();
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ email: emailOf(i), name: `P${i}`, consent: 'yes', at: '2024-03-05' }));
    const file = writeRows(rows);
    const stateDir = makeTempDir();
    const args = ['push', '--list', LIST, '--yes', '--json', '--state-dir', stateDir, '--changed-only', file, ...CONSENT];
    const env = { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url };
    killAfter(1);
    expect((await runCli(args, { env, onSpawn })).signal).toBe('SIGKILL');
    killAfter(undefined);
    // The import was confirmed (the sync state says every row is unchanged): the consent step runs all the same.
    const rerun = await runCli(args, { env, onSpawn });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout).sync).toMatchObject({ unchanged: 3_000 });
    for (let i = 0; i < 3_000; i += 1) {
      const counters = sandbox!.profileConsent(emailOf(i))?.counters;
      if (OPTED_OUT.includes(i)) expect(counters?.subscriptions.email ?? 0).toBe(0);
      else expect(counters?.subscriptions.email).toBe(1);
    }
  }, 120_000);
});
