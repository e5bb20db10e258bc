import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfirmedBatchRecord } from './delivery-journal.js';
import { CheckpointJournal, checkpointPath, loadCheckpoint, type CheckpointLoad } from './checkpoint-file.js';
import { fingerprintHash, type RunFingerprint } from './run-fingerprint.js';

const fingerprint: RunFingerprint = {
  contentDigest: 'a'.repeat(64),
  listId: 'XyZ123',
  software: { klaviyoExport: '1.2.0', phoneMetadata: '1.13.16' },
  mapping: {
    emailColumn: 'email',
    fields: { first_name: 'First' },
    defaultCountry: 'US',
    maxPerExport: 10000,
    format: 'csv',
    delimiter: ',',
  },
};

const confirmedRecord: ConfirmedBatchRecord = {
  jobId: 'job-1',
  imported: 98,
  refusals: [
    { position: 4, reason: 'klaviyo_invalid', description: 'Invalid email.', detail: 'jane.doe@example.com is not a valid email' },
  ],
  unexplained: 1,
};

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'klaviyo-export-state-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function resumable(load: CheckpointLoad): Extract<CheckpointLoad, { kind: 'resumable' }> {
  if (load.kind !== 'resumable') throw new Error(`expected a resumable checkpoint, got ${JSON.stringify(load)}`);
  return load;
}

describe('checkpointPath', () => {
  it('names the file after the list, made safe for a file name', () => {
    expect(checkpointPath('/state', 'XyZ123')).toBe(join('/state', 'push-XyZ123.checkpoint.json'));
    const odd = checkpointPath('/state', '../etc/passwd');
    expect(odd.startsWith(join('/state', 'push-'))).toBe(true);
    expect(odd.slice('/state/'.length)).not.toContain('/');
    expect(checkpointPath('/state', 'a/b')).not.toBe(checkpointPath('/state', 'a_b'));
  });
});

describe('fingerprintHash', () => {
  it('ignores key order but not values', () => {
    const reordered: RunFingerprint = {
      listId: fingerprint.listId,
      software: { phoneMetadata: '1.13.16', klaviyoExport: '1.2.0' },
      mapping: {
        delimiter: ',',
        format: 'csv',
        maxPerExport: 10000,
        defaultCountry: 'US',
        fields: { first_name: 'First' },
        emailColumn: 'email',
      },
      contentDigest: fingerprint.contentDigest,
    };
    expect(fingerprintHash(reordered)).toBe(fingerprintHash(fingerprint));
    expect(fingerprintHash({ ...fingerprint, mapping: { ...(fingerprint.mapping as object), maxPerExport: 500 } })).not.toBe(
      fingerprintHash(fingerprint),
    );
  });
});

describe('CheckpointJournal and loadCheckpoint', () => {
  it('finds nothing when no run was interrupted', async () => {
    expect(await loadCheckpoint(checkpointPath(stateDir, 'XyZ123'), fingerprint)).toEqual({ kind: 'none' });
  });

  it('resumes after a crash: confirmed batches and submitted jobs come back', async () => {
    const path = checkpointPath(join(stateDir, 'nested', 'dir'), 'XyZ123');
    const journal = CheckpointJournal.create(path, fingerprint);
    await journal.recordSubmitted(0, 'job-0');
    await journal.recordSubmitted(1, 'job-1');
    await journal.recordConfirmed(1, confirmedRecord);
    await journal.recordSubmitted(2, 'job-2');
    // The process "crashes" here: the journal object is dropped without remove().

    const load = resumable(await loadCheckpoint(path, fingerprint));
    expect(load.confirmed).toBe(1);
    expect(load.submitted).toBe(2);
    expect(load.journal.submittedJob(0)).toBe('job-0');
    expect(load.journal.submittedJob(1)).toBeUndefined();
    expect(load.journal.submittedJob(2)).toBe('job-2');
    expect(load.journal.confirmedBatch(1)).toMatchObject({ jobId: 'job-1', imported: 98, unexplained: 1 });
    expect(load.journal.confirmedBatch(0)).toBeUndefined();
    expect(load.journal.confirmedBatch(3)).toBeUndefined();

    // The resumed run keeps recording into the same file.
    await load.journal.recordConfirmed(0, { ...confirmedRecord, jobId: 'job-0', refusals: [] });
    const again = resumable(await loadCheckpoint(path, fingerprint));
    expect(again.confirmed).toBe(2);
    expect(again.journal.confirmedBatch(0)?.jobId).toBe('job-0');
  });

  it('writes no email address, only the list id and digest in the clear, with private permissions', async () => {
    const path = checkpointPath(join(stateDir, 'private'), 'XyZ123');
    const journal = CheckpointJournal.create(path, fingerprint, { now: () => new Date('2026-01-02T03:04:05Z') });
    await journal.recordConfirmed(0, confirmedRecord);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('@');
    expect(text).toContain('<email> is not a valid email');
    expect(JSON.parse(text)).toMatchObject({
      version: 1,
      fingerprint: fingerprintHash(fingerprint),
      contentDigest: fingerprint.contentDigest,
      listId: 'XyZ123',
      createdAt: '2026-01-02T03:04:05.000Z',
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(stateDir, 'private'))).mode & 0o777).toBe(0o700);
  });

  it('loses no update when records arrive concurrently', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    const journal = CheckpointJournal.create(path, fingerprint);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i += 1) {
      writes.push(journal.recordSubmitted(i, `job-${i}`));
      if (i % 3 === 0) writes.push(journal.recordConfirmed(i, { ...confirmedRecord, jobId: `job-${i}` }));
    }
    await Promise.all(writes);
    const load = resumable(await loadCheckpoint(path, fingerprint));
    expect(load.confirmed).toBe(14);
    expect(load.submitted).toBe(26);
    expect(load.journal.submittedJob(38)).toBe('job-38');
    expect(load.journal.submittedJob(39)).toBeUndefined();
    expect(load.journal.confirmedBatch(39)?.jobId).toBe('job-39');
  });

  it('resolves each record only once a write containing it is in place', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    const journal = CheckpointJournal.create(path, fingerprint);
    const first = journal.recordSubmitted(0, 'job-0');
    const second = journal.recordSubmitted(1, 'job-1');
    await second;
    const afterSecond = JSON.parse(await readFile(path, 'utf8')) as { submitted: Record<string, string> };
    expect(afterSecond.submitted['1']).toBe('job-1');
    await first;
    await journal.recordSubmitted(2, 'job-2');
    const afterThird = JSON.parse(await readFile(path, 'utf8')) as { submitted: Record<string, string> };
    expect(afterThird.submitted).toEqual({ 0: 'job-0', 1: 'job-1', 2: 'job-2' });
  });

  it('a fresh checkpoint replaces an old one', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    await CheckpointJournal.create(path, fingerprint).recordConfirmed(5, confirmedRecord);
    await CheckpointJournal.create(path, fingerprint).recordSubmitted(0, 'job-new');
    const load = resumable(await loadCheckpoint(path, fingerprint));
    expect(load.confirmed).toBe(0);
    expect(load.journal.submittedJob(0)).toBe('job-new');
  });

  it.each([
    ['the file changed', { ...fingerprint, contentDigest: 'b'.repeat(64) }, 'the file changed since the interrupted run'],
    ['the list differs', { ...fingerprint, listId: 'Other1' }, 'the list differs'],
    [
      'the mapping differs',
      { ...fingerprint, mapping: { ...(fingerprint.mapping as object), emailColumn: 'Email Address' } },
      'the mapping or options differ',
    ],
    [
      'klaviyo-export was upgraded',
      { ...fingerprint, software: { ...fingerprint.software, klaviyoExport: '1.3.0' } },
      'klaviyo-export changed from 1.2.0 to 1.3.0 since the interrupted run',
    ],
    [
      'the phone metadata changed',
      { ...fingerprint, software: { ...fingerprint.software, phoneMetadata: '1.14.0' } },
      'the phone number rules (libphonenumber-js) changed from 1.13.16 to 1.14.0 since the interrupted run',
    ],
  ])('is not resumed when %s', async (_case, changed: RunFingerprint, reason) => {
    const path = checkpointPath(stateDir, 'XyZ123');
    await CheckpointJournal.create(path, fingerprint).recordSubmitted(0, 'job-0');
    expect(await loadCheckpoint(path, changed)).toEqual({ kind: 'mismatch', reason });
  });

  it('is not resumed when it was written before versions were recorded', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    await CheckpointJournal.create(path, fingerprint).recordSubmitted(0, 'job-0');
    const { software: _software, ...older } = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify(older));
    expect(await loadCheckpoint(path, fingerprint)).toEqual({
      kind: 'mismatch',
      reason: 'it was written by an earlier klaviyo-export that did not record its version',
    });
  });

  it.each([
    ['truncated JSON', '{"version": 1, "fingerpr', 'the checkpoint is unreadable (it is not valid JSON)'],
    ['an empty file', '', 'the checkpoint is unreadable (it is not valid JSON)'],
    ['a wrong shape', '{"version": 1}', 'the checkpoint is unreadable (fingerprint: '],
    ['another version', null, 'the checkpoint is unreadable (it has version 99, this klaviyo-export writes version 1)'],
  ])('reports %s as unreadable, never crashing', async (_case, text: string | null, reason: string) => {
    const path = checkpointPath(stateDir, 'XyZ123');
    if (text === null) {
      await CheckpointJournal.create(path, fingerprint).recordSubmitted(0, 'job-0');
      const content = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      await writeFile(path, JSON.stringify({ ...content, version: 99 }));
    } else {
      await writeFile(path, text);
    }
    const load = await loadCheckpoint(path, fingerprint);
    expect(load.kind).toBe('mismatch');
    expect(load.kind === 'mismatch' && load.reason.startsWith(reason)).toBe(true);
  });

  it('is not disturbed by a temp file left by a crash during a write', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    await CheckpointJournal.create(path, fingerprint).recordSubmitted(0, 'job-0');
    await writeFile(`${path}.4242.tmp`, '{"version": 1, "half');
    const load = resumable(await loadCheckpoint(path, fingerprint));
    expect(load.journal.submittedJob(0)).toBe('job-0');
    await load.journal.recordSubmitted(1, 'job-1');
    expect(resumable(await loadCheckpoint(path, fingerprint)).submitted).toBe(2);
  });

  it('remove() deletes the checkpoint after pending writes, so the next run starts fresh', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    const journal = CheckpointJournal.create(path, fingerprint);
    void journal.recordSubmitted(0, 'job-0');
    await journal.remove();
    expect(await loadCheckpoint(path, fingerprint)).toEqual({ kind: 'none' });
    expect(await readdir(stateDir)).toEqual([]);
    await expect(journal.remove()).resolves.toBeUndefined();
  });

  it('remove() also deletes the half-written copy a killed run left beside the checkpoint, and nothing else', async () => {
    const path = checkpointPath(stateDir, 'XyZ123');
    await writeFile(`${path}.2bcb03fb.tmp`, '{"half":');
    await writeFile(join(stateDir, 'other-list.checkpoint.json.2bcb03fb.tmp'), 'x');
    const journal = CheckpointJournal.create(path, fingerprint);
    await journal.recordSubmitted(0, 'job-0');
    await journal.remove();
    expect(await readdir(stateDir)).toEqual(['other-list.checkpoint.json.2bcb03fb.tmp']);
  });

  it('reports a state directory it cannot write to as an error naming the path', async () => {
    const blocker = join(stateDir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const journal = CheckpointJournal.create(checkpointPath(blocker, 'XyZ123'), fingerprint);
    await expect(journal.recordSubmitted(0, 'job-0')).rejects.toThrow(/Cannot write the checkpoint .*not-a-dir.*--state-dir/);
  });
});
