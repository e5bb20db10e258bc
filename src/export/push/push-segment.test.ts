import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InterruptedError,
  UsageError,
  pushSegment,
  startSandbox,
  validateSegment,
  type PushEvent,
  type SandboxHandle,
} from '../../index.js';

const KEY = 'pk_library_0123456789abcdef';
const LIST = 'Y6nRLr';
let sandbox: SandboxHandle;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kx-library-'));
  sandbox = await startSandbox({
    keys: [{ key: KEY, scopes: 'all' }],
    rateLimits: 'off',
    jobProcessing: { queuedMs: 10, profilesPerSecond: 1e6 },
  });
});
afterEach(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function request(text: string) {
  const file = join(dir, 'segment.csv');
  writeFileSync(file, text);
  return { file, listId: LIST, connection: { apiKey: KEY, baseUrl: sandbox.url }, stateDir: join(dir, 'state') };
}

describe('pushSegment', () => {
  it('returns the summary and tells its progress as typed events, in order', async () => {
    const events: PushEvent[] = [];
    const summary = await pushSegment(request('email\na@example.com\nbad\n'), { onEvent: (event) => events.push(event) });
    expect(summary).toMatchObject({ outcome: 'delivered', rows: { read: 2, valid: 1, rejected: 1 }, delivery: { sent: 1, imported: 1 } });
    const milestones = events.map((event) => event.type).filter((type) => !['job', 'read-progress', 'request', 'paced'].includes(type));
    expect(milestones).toEqual(['preflight', 'preflight-ok', 'read', 'read-done', 'mapping', 'send', 'accepted', 'confirmed']);
    expect(events.find((event) => event.type === 'send')).toMatchObject({ profilesToSend: 1, requestsToSend: 1, listId: LIST });
  });

  it('asks the confirm port with the account and list, and a no sends nothing', async () => {
    const questions: unknown[] = [];
    const summary = await pushSegment(request('email\na@example.com\n'), {
      confirm: (question) => {
        questions.push(question);
        return Promise.resolve(false);
      },
    });
    expect(questions).toEqual([
      { removals: 0, listId: LIST, listName: 'Newsletter', accountName: 'Sandbox Store', profiles: 1, confirmationEmails: 0 },
    ]);
    expect(summary.outcome).toBe('declined');
    expect(sandbox.stats().jobsCreated).toBe(0);
  });

  it('an aborted signal once a job is accepted: outcome interrupted, the rows unconfirmed', async () => {
    await sandbox.close();
    sandbox = await startSandbox({
      keys: [{ key: KEY, scopes: 'all' }],
      rateLimits: 'off',
      jobProcessing: { queuedMs: 600_000, profilesPerSecond: 1 },
    });
    const stop = new AbortController();
    const summary = await pushSegment(
      { ...request('email\na@example.com\n'), signal: stop.signal },
      { onEvent: (event) => event.type === 'accepted' && stop.abort() },
    );
    expect(summary).toMatchObject({ outcome: 'interrupted', delivery: { sent: 1, imported: 0, unconfirmed: 1 } });
  });

  it('an abort before the file is read ends with an InterruptedError, nothing sent', async () => {
    const stop = new AbortController();
    const run = pushSegment(
      { ...request('email\na@example.com\n'), signal: stop.signal },
      { onEvent: (event) => event.type === 'read' && stop.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect(sandbox.stats().jobsCreated).toBe(0);
  });

  it.each([
    ['no API key', { connection: { apiKey: '' } }, /^No API key/],
    ['a plain http URL that is not loopback', { connection: { apiKey: KEY, baseUrl: 'http://example.com' } }, /plain http/],
    ['a batch size over Klaviyo limit', { batchSize: 10_001 }, /^batchSize must be a whole number from 1 to 10,000/],
  ])('refuses %s with a UsageError before anything is read', async (_name, override, message) => {
    const run = pushSegment({ ...request('email\na@example.com\n'), ...override });
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(message);
    expect(sandbox.stats().requests).toEqual({});
  });
});

describe('validateSegment', () => {
  it('reads a stream given as stdin for "-"; without one, it is a UsageError', async () => {
    const summary = await validateSegment({ file: '-', stdin: Readable.from(['email\na@example.com\n']), format: 'csv' });
    expect(summary).toMatchObject({ command: 'validate', outcome: 'validated', file: '<stdin>', rows: { valid: 1 } });
    await expect(validateSegment({ file: '-', format: 'csv' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('pushSegment with mirror and changedOnly', () => {
  const rows = (count: number) => `email\n${Array.from({ length: count }, (_, index) => `p${index}@example.com`).join('\n')}\n`;

  it('tells the plan and the removals as events, and refuses a cut file with RemovalGuardError before sending', async () => {
    await pushSegment({ ...request(rows(20)), mirror: 'state', changedOnly: true });
    const events: PushEvent[] = [];

    const summary = await pushSegment(
      { ...request(rows(18)), mirror: 'state', changedOnly: true },
      { onEvent: (event) => events.push(event) },
    );

    expect(summary.sync).toMatchObject({ unchanged: 18, removals: { planned: 2, done: 2, failed: 0 } });
    const milestones = events
      .map((event) => event.type)
      .filter((type) => !['job', 'read-progress', 'removed', 'request', 'paced'].includes(type));
    expect(milestones).toEqual(['preflight', 'preflight-ok', 'read', 'read-done', 'mapping', 'sync-plan', 'send', 'remove', 'remove-done']);
    expect(sandbox.listMemberEmails(LIST)).toHaveLength(18);

    const jobs = sandbox.stats().jobsCreated;
    const refused = await pushSegment({ ...request(rows(5)), mirror: 'state' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as Error).name).toBe('RemovalGuardError');
    expect(sandbox.stats().jobsCreated).toBe(jobs);
    expect(sandbox.listMemberEmails(LIST)).toHaveLength(18);
  });

  it('asks the confirm port with the changes and removals planned', async () => {
    await pushSegment({ ...request(rows(20)), mirror: 'state', changedOnly: true });
    const questions: unknown[] = [];

    await pushSegment(
      { ...request(`${rows(19)}new@example.com\n`), mirror: 'state', changedOnly: true },
      { confirm: (question) => Promise.resolve(questions.push(question) < 0) },
    );

    expect(questions).toEqual([
      expect.objectContaining({ profiles: 1, removals: 1, changes: { added: 1, updated: 0, unchanged: 19, skipped: 19 } }),
    ]);
  });

  it('removes nothing when a profile was not delivered, and keeps the old sync state', async () => {
    await pushSegment({ ...request(rows(10)), mirror: 'state' });
    await sandbox.close();
    sandbox = await startSandbox({
      keys: [{ key: KEY, scopes: 'all' }],
      rateLimits: 'off',
      jobProcessing: { queuedMs: 10, profilesPerSecond: 1e6 },
      faults: { refuseEmailPattern: /^p0@/ },
    });
    const events: PushEvent[] = [];

    const summary = await pushSegment({ ...request(rows(9)), mirror: 'state' }, { onEvent: (event) => events.push(event) });

    expect(summary.outcome).toBe('partially-delivered');
    expect(summary.sync).toMatchObject({ removals: { planned: 1, done: 0, notAttempted: 1 } });
    expect(events.find((event) => event.type === 'mirror-skipped')).toBeDefined();
    expect(events.some((event) => event.type === 'remove')).toBe(false);
  });
});
