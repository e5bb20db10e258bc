import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, SyncStateError } from '../errors.js';
import { SyncState } from './sync-state.js';
import { attributesHash, readSyncState, RecordFlag, SyncStateWriter, syncStatePath } from './sync-state-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sync-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const LIST = 'Y6nRLr';

function writeState(records: [email: string, attributes: string, flags?: number][], path = syncStatePath(dir, LIST)): string {
  const writer = new SyncStateWriter(path, LIST);
  for (const [email, attributes, flags] of records) writer.add(email, attributesHash(attributes), flags);
  writer.commit();
  return path;
}

async function loadState(path = syncStatePath(dir, LIST)): Promise<SyncState> {
  const records = await readSyncState(path, LIST);
  if (records === undefined) throw new Error('no state');
  return new SyncState(records);
}

describe('attributesHash', () => {
  it('is 128 bits of sha-256, different for different attributes', () => {
    const hash = attributesHash('{"email":"ana@example.com"}');
    expect(hash).toHaveLength(16);
    expect(hash.equals(createHash('sha256').update('{"email":"ana@example.com"}').digest().subarray(0, 16))).toBe(true);
    expect(hash.equals(attributesHash('{"email":"ana@example.com","first_name":"Ana"}'))).toBe(false);
  });
});

describe('sync state file', () => {
  it('is absent before the first run', async () => {
    await expect(readSyncState(syncStatePath(dir, LIST), LIST)).resolves.toBeUndefined();
  });

  it('classifies the file profiles against it and lists the members that left, in state order', async () => {
    writeState([
      ['ana@example.com', 'a1'],
      ['bo@example.com', 'b1'],
      ['cy@example.com', 'c1'],
      ['dé@exämple.com', 'd1'],
      ['ed@example.com', 'e1', RecordFlag.pendingRemoval],
      ['fi@example.com', 'f1', RecordFlag.pendingRemoval],
    ]);
    const state = await loadState();

    const cases: [string, string, string][] = [
      ['ana@example.com', 'a1', 'unchanged'],
      ['bo@example.com', 'b2', 'updated'],
      ['dé@exämple.com', 'd1', 'unchanged'],
      ['ed@example.com', 'e1', 'added'], // pending removal: maybe out of the list already
      ['new@example.com', 'n1', 'added'],
      ['ANA@example.com', 'a1', 'added'], // emails arrive normalised: no folding here
    ];
    for (const [email, attributes, expected] of cases)
      expect([email, state.classify(email, attributesHash(attributes))]).toEqual([email, expected]);

    expect(state.size).toBe(6);
    expect([...state.unseen()].map(({ email }) => email)).toEqual(['cy@example.com', 'fi@example.com']);
    expect(state.countUnseen()).toBe(2);
    expect(state.has('cy@example.com')).toBe(true);
    expect(state.has('zz@example.com')).toBe(false);
  });

  it('holds a large list across write chunks, and is written with mode 0600 and no temporary file left', async () => {
    const emails = Array.from({ length: 60_000 }, (_, index) => `person.number.${index}@example.com`);
    writeState(emails.map((email) => [email, `{"email":"${email}"}`]));
    const state = await loadState();

    expect(state.size).toBe(60_000);
    expect(emails.every((email) => state.classify(email, attributesHash(`{"email":"${email}"}`)) === 'unchanged')).toBe(true);
    expect(state.countUnseen()).toBe(0);
    expect(statSync(syncStatePath(dir, LIST)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['push-Y6nRLr.sync-state']);
  });

  it('keeps the old state when a new one is discarded, and replaces it on commit', async () => {
    writeState([['ana@example.com', 'a1']]);
    const discarded = new SyncStateWriter(syncStatePath(dir, LIST), LIST);
    discarded.add('bo@example.com', attributesHash('b1'));
    discarded.discard();
    expect((await loadState()).has('ana@example.com')).toBe(true);
    expect(readdirSync(dir)).toEqual(['push-Y6nRLr.sync-state']);

    writeState([['bo@example.com', 'b1']]);
    const state = await loadState();
    expect([state.has('ana@example.com'), state.has('bo@example.com')]).toEqual([false, true]);
  });

  it('copies loaded records with new flags', async () => {
    writeState([
      ['ana@example.com', 'a1'],
      ['bo@example.com', 'b1', RecordFlag.pendingRemoval],
    ]);
    const old = await loadState();
    const writer = new SyncStateWriter(syncStatePath(dir, LIST), LIST);
    const { bytes, offset } = old.recordAt(1);
    writer.addRecord(bytes, offset, 0);
    writer.commit();

    const state = await loadState();
    expect(state.size).toBe(1);
    expect(state.classify('bo@example.com', attributesHash('b1'))).toBe('unchanged');
  });
});

describe('a damaged sync state is one sentence, exit 2', () => {
  function withChecksum(body: Buffer): Buffer {
    return Buffer.concat([body, createHash('sha256').update(body).digest()]);
  }

  const damages: [string, (file: Buffer) => Buffer, RegExp][] = [
    ['cut short', (file) => file.subarray(0, file.length - 5), /checksum does not match/],
    ['one byte changed', (file) => Buffer.from(file).fill(0x41, 20, 21), /checksum does not match/],
    ['empty', () => Buffer.alloc(0), /not a klaviyo-export sync state/],
    ['some other file', () => Buffer.from('{"version":1}\n'.repeat(10)), /not a klaviyo-export sync state/],
    [
      'another format version',
      (file) => withChecksum(Buffer.concat([file.subarray(0, 6), Buffer.from([9]), file.subarray(7, file.length - 32)])),
      /format version 9/,
    ],
    [
      'a record count that lies',
      (file) => {
        const body = Buffer.from(file.subarray(0, file.length - 32));
        body.writeUInt32LE(5, body.length - 4);
        return withChecksum(body);
      },
      /fewer records than it says/,
    ],
  ];

  it.each(damages)('%s', async (_label, damage, reason) => {
    const path = writeState([
      ['ana@example.com', 'a1'],
      ['bo@example.com', 'b1'],
    ]);
    writeFileSync(path, damage(readFileSync(path)));

    const error = await readSyncState(path, LIST).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SyncStateError);
    expect((error as SyncStateError).exitCode).toBe(ExitCode.usage);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).not.toContain('@');
  });

  it('belonging to another list', async () => {
    const path = join(dir, 'copied.sync-state');
    const writer = new SyncStateWriter(path, 'OtherL');
    writer.commit();

    await expect(readSyncState(path, LIST)).rejects.toThrow(/belongs to list OtherL/);
  });
});
