import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsentJournalError } from '../errors.js';
import { ConsentJournal, consentJournalPath } from './consent-journal.js';

const LIST = 'Y6nRLr';
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kx-consent-journal-'));
  path = consentJournalPath(dir, LIST);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ConsentJournal', () => {
  it('keeps what a killed run sent: accepted requests as sent, unanswered ones as uncertain', async () => {
    const journal = await ConsentJournal.open(path, LIST);
    await journal.startRun();
    const ann = journal.keyOf('Ann@Example.com', 'e||');
    const bo = journal.keyOf('bo@example.com', 'e||');
    const done = await journal.recordIntent([ann], true);
    await journal.recordDone(done, true);
    await journal.recordIntent([bo], true);
    // No close, no finish: as SIGKILL leaves it.

    const reopened = await ConsentJournal.open(path, LIST);
    expect(reopened.standing(reopened.keyOf('ann@example.com', 'e||'))).toEqual({ kind: 'sent', consent: ann.consent, isOpen: true });
    expect(reopened.standing(reopened.keyOf('bo@example.com', 'e||'))).toEqual({
      kind: 'uncertain',
      consent: bo.consent,
      mayHaveMailed: true,
    });
    expect(reopened.uncertainCount).toBe(1);
    expect(reopened.standing(reopened.keyOf('cy@example.com', 'e||'))).toEqual({ kind: 'unknown' });
  });

  it('writes no email address, only salted hashes, in a file only the user may read', async () => {
    const journal = await ConsentJournal.open(path, LIST);
    await journal.recordIntent([journal.keyOf('ann@example.com', 'es|1700000000000|+14155552671')], false);
    await journal.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('ann');
    expect(text).not.toContain('example');
    expect(text).not.toContain('4155552671');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a refused request leaves the profile as it was; settled profiles count as sent', async () => {
    const journal = await ConsentJournal.open(path, LIST);
    const ann = journal.keyOf('ann@example.com', 'e||');
    const refused = await journal.recordIntent([ann], false);
    await journal.recordDone(refused, false);
    expect(journal.standing(ann)).toEqual({ kind: 'unknown' });
    await journal.recordIntent([ann], true);
    await journal.recordSettled([ann]);
    expect(journal.standing(ann)).toMatchObject({ kind: 'sent', isOpen: true });
  });

  it('a finished step becomes one snapshot: sent profiles are no longer an open run, unanswered ones stay uncertain', async () => {
    const journal = await ConsentJournal.open(path, LIST);
    const ann = journal.keyOf('ann@example.com', 'e||');
    const bo = journal.keyOf('bo@example.com', 'e||');
    await journal.recordDone(await journal.recordIntent([ann], false), true);
    await journal.recordIntent([bo], true);
    await journal.finish();

    const reopened = await ConsentJournal.open(path, LIST);
    expect(reopened.standing(ann)).toEqual({ kind: 'sent', consent: ann.consent, isOpen: false });
    expect(reopened.standing(bo)).toMatchObject({ kind: 'uncertain', mayHaveMailed: true });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('ignores a last line cut short by a crash, and refuses a damaged one elsewhere or another list', async () => {
    const journal = await ConsentJournal.open(path, LIST);
    const ann = journal.keyOf('ann@example.com', 'e||');
    await journal.recordDone(await journal.recordIntent([ann], false), true);
    await journal.close();
    appendFileSync(path, '{"t":"intent","id":"x","ma');
    expect((await ConsentJournal.open(path, LIST)).standing(ann)).toMatchObject({ kind: 'sent' });
    await expect(ConsentJournal.open(path, 'OtherList')).rejects.toThrow(/it belongs to list Y6nRLr/);

    writeFileSync(path, readFileSync(path, 'utf8').replace('"t":"done"', 'oops'));
    await expect(ConsentJournal.open(path, LIST)).rejects.toBeInstanceOf(ConsentJournalError);
  });
});
