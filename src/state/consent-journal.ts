import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConsentJournalError } from '../errors.js';
import { ensureStateDir, isErrorCode, STATE_FILE_MODE, writeFileAtomic } from './atomic-file.js';
import { stateFilePath } from './state-file-name.js';

/**
 * The consent journal of one list: which profiles this tool asked Klaviyo to subscribe, so that a
 * push killed during `--subscribe` and run again subscribes nobody twice and sends nobody a second
 * double opt-in confirmation, and so that `--changed-only` skips profiles subscribed by an earlier
 * run with the same consent. JSON lines, appended and fsynced:
 *
 *   header    {"t":"header","version":1,"listId":"…","salt":"…"}
 *   snapshot  {"t":"snapshot","sent":["<key>",…]}         what finished consent steps sent
 *   run       {"t":"run","at":"…"}                        a consent step starts
 *   intent    {"t":"intent","id":"…","mail":true,"profiles":["<key>",…]}   written before a subscribe request
 *   done      {"t":"done","id":"…","accepted":true}       written once its answer is known
 *   settled   {"t":"settled","profiles":["<key>",…]}      uncertain profiles a later run settled
 *             (with "kept":true: kept out as opted out, not sent)
 *
 * A key is `<email hash>.<consent hash>`: salted sha-256 of the lower-cased email and of what the
 * row consented to (channels, consent time, phone), cut to 128 and 64 bits. No email address,
 * phone number or key is ever written. An intent without its `done` is a request whose outcome is
 * unknown: Klaviyo may or may not have acted on it. A consent step that ends rewrites the file as
 * one snapshot (atomically); only the last line can be torn by a crash, and it is ignored.
 */
export const CONSENT_JOURNAL_VERSION = 1;

export function consentJournalPath(stateDir: string, listId: string): string {
  return stateFilePath(stateDir, listId, '.consent-journal');
}

/** A profile and its consent as the journal knows them (hashed). */
export interface ConsentKey {
  readonly email: string;
  readonly consent: string;
}

/** What the journal knows of a profile. */
export type ConsentStanding =
  | { readonly kind: 'unknown' }
  /** Sent to Klaviyo and accepted (or settled) with this consent; `isOpen`: by a consent step that did not finish. */
  | { readonly kind: 'sent'; readonly consent: string; readonly isOpen: boolean }
  /** Sent in a request whose answer never arrived; `mayHaveMailed`: a double opt-in confirmation may have gone out. */
  | { readonly kind: 'uncertain'; readonly consent: string; readonly mayHaveMailed: boolean };

interface Sent {
  consent: string;
  isOpen: boolean;
}

interface Uncertain {
  consent: string;
  mayHaveMailed: boolean;
  request: string;
}

type JournalRecord =
  | { t: 'header'; version: number; listId: string; salt: string }
  | { t: 'snapshot'; sent: string[] }
  | { t: 'run'; at: string }
  | { t: 'intent'; id: string; mail: boolean; profiles: string[] }
  | { t: 'done'; id: string; accepted: boolean }
  | { t: 'settled'; profiles: string[]; kept?: boolean };

const SNAPSHOT_KEYS_PER_LINE = 10_000;

/**
 * The journal in memory, and its file when `path` is given (without one, nothing survives the
 * process: a library caller's choice). Every record is applied in memory and, on disk, written and
 * fsynced before its promise resolves; records are appended one after another.
 */
export class ConsentJournal {
  readonly path: string | undefined;
  readonly #listId: string;
  readonly #salt: Buffer;
  readonly #sent = new Map<string, Sent>();
  readonly #uncertain = new Map<string, Uncertain>();
  /** Intents without their done: request id -> keys. */
  readonly #pending = new Map<string, string[]>();
  readonly #runTag = randomBytes(4).toString('hex');
  #requests = 0;
  #handle: FileHandle | undefined;
  #appends: Promise<void> = Promise.resolve();
  #hasHeader = false;

  /** Reads the list's journal (or starts an empty one); throws ConsentJournalError when it is damaged. */
  static async open(path: string, listId: string): Promise<ConsentJournal> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (!isErrorCode(error, 'ENOENT')) throw journalError(path, `it cannot be read (${codeOf(error)})`, error);
    }
    if (text === undefined || text === '') return new ConsentJournal(path, listId, randomBytes(16), false);
    const records = parseLines(text, path);
    const [header] = records;
    if (header?.t !== 'header') throw journalError(path, 'it does not start with its header');
    if (header.version !== CONSENT_JOURNAL_VERSION) {
      throw journalError(path, `it has version ${header.version}, this klaviyo-export writes version ${CONSENT_JOURNAL_VERSION}`);
    }
    if (header.listId !== listId) throw journalError(path, `it belongs to list ${header.listId}`);
    const journal = new ConsentJournal(path, listId, Buffer.from(header.salt, 'hex'), true);
    for (const record of records.slice(1)) journal.#apply(record);
    return journal;
  }

  /** A journal kept in memory only. */
  static inMemory(listId = ''): ConsentJournal {
    return new ConsentJournal(undefined, listId, randomBytes(16), false);
  }

  private constructor(path: string | undefined, listId: string, salt: Buffer, hasHeader: boolean) {
    this.path = path;
    this.#listId = listId;
    this.#salt = salt;
    this.#hasHeader = hasHeader;
  }

  /** Profiles whose subscribe request an interrupted run sent without learning its answer. */
  get uncertainCount(): number {
    return this.#uncertain.size;
  }

  /** The hashed form of a profile (its normalised email) and of what it consented to. */
  keyOf(email: string, consent: string): ConsentKey {
    return { email: this.#hash(`e\0${email.toLowerCase()}`, 16), consent: this.#hash(`c\0${consent}`, 8) };
  }

  standing(key: ConsentKey): ConsentStanding {
    const uncertain = this.#uncertain.get(key.email);
    if (uncertain !== undefined) return { kind: 'uncertain', consent: uncertain.consent, mayHaveMailed: uncertain.mayHaveMailed };
    const sent = this.#sent.get(key.email);
    if (sent !== undefined) return { kind: 'sent', consent: sent.consent, isOpen: sent.isOpen };
    return { kind: 'unknown' };
  }

  /** A consent step starts. */
  startRun(now = new Date()): Promise<void> {
    return this.#append({ t: 'run', at: now.toISOString() });
  }

  /** Before a subscribe request: durable once the promise resolves. `mail`: the request may send confirmation emails. */
  async recordIntent(keys: readonly ConsentKey[], mail: boolean): Promise<string> {
    this.#requests += 1;
    const id = `${this.#runTag}-${this.#requests}`;
    await this.#append({ t: 'intent', id, mail, profiles: keys.map(keyText) });
    return id;
  }

  /** Once the request's answer is known: accepted (202), or refused as a whole (nothing applied). */
  recordDone(id: string, accepted: boolean): Promise<void> {
    return this.#append({ t: 'done', id, accepted });
  }

  /**
   * Uncertain profiles this run settled: found subscribed, or deliberately not sent again (then
   * counted as sent), or `kept` out as opted out (then no longer uncertain, and not sent).
   */
  recordSettled(keys: readonly ConsentKey[], kept = false): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.#append({ t: 'settled', profiles: keys.map(keyText), ...(kept ? { kept } : {}) });
  }

  /**
   * The consent step ended: the file becomes one snapshot of every profile sent, plus the intents
   * still unanswered (their profiles stay uncertain). Atomic: a crash leaves the old file or the new.
   */
  async finish(): Promise<void> {
    await this.#appends;
    await this.#closeHandle();
    for (const sent of this.#sent.values()) sent.isOpen = false;
    if (this.path === undefined) return;
    const lines = [JSON.stringify(this.#header())];
    const keys = [...this.#sent].map(([email, sent]) => `${email}.${sent.consent}`);
    for (let start = 0; start < keys.length; start += SNAPSHOT_KEYS_PER_LINE) {
      lines.push(JSON.stringify({ t: 'snapshot', sent: keys.slice(start, start + SNAPSHOT_KEYS_PER_LINE) }));
    }
    for (const [id, profiles] of this.#pending) {
      const still = profiles.filter((key) => this.#uncertain.get(key.split('.')[0] ?? '')?.request === id);
      if (still.length === 0) continue;
      const mail = still.some((key) => this.#uncertain.get(key.split('.')[0] ?? '')?.mayHaveMailed === true);
      lines.push(JSON.stringify({ t: 'intent', id, mail, profiles: still }));
    }
    try {
      await writeFileAtomic(this.path, `${lines.join('\n')}\n`);
    } catch (error) {
      throw journalError(this.path, `it cannot be written (${codeOf(error)}); choose a writable --state-dir`, error);
    }
    this.#hasHeader = true;
  }

  /** Waits for the records written so far and closes the file (idempotent). */
  async close(): Promise<void> {
    await this.#appends.catch(() => undefined);
    await this.#closeHandle();
  }

  #apply(record: JournalRecord): void {
    switch (record.t) {
      case 'header':
        return;
      case 'snapshot':
        for (const key of record.sent) {
          const [email, consent] = splitKey(key);
          this.#sent.set(email, { consent, isOpen: false });
        }
        return;
      case 'run':
        return;
      case 'intent':
        this.#pending.set(record.id, record.profiles);
        for (const key of record.profiles) {
          const [email, consent] = splitKey(key);
          this.#uncertain.set(email, { consent, mayHaveMailed: record.mail, request: record.id });
        }
        return;
      case 'done': {
        const profiles = this.#pending.get(record.id) ?? [];
        this.#pending.delete(record.id);
        for (const key of profiles) {
          const [email, consent] = splitKey(key);
          if (this.#uncertain.get(email)?.request === record.id) this.#uncertain.delete(email);
          if (record.accepted) this.#sent.set(email, { consent, isOpen: true });
        }
        return;
      }
      case 'settled':
        for (const key of record.profiles) {
          const [email, consent] = splitKey(key);
          this.#uncertain.delete(email);
          if (record.kept !== true) this.#sent.set(email, { consent, isOpen: true });
        }
        return;
    }
  }

  #append(record: JournalRecord): Promise<void> {
    this.#apply(record);
    if (this.path === undefined) return Promise.resolve();
    const path = this.path;
    const write = this.#appends.then(async () => {
      const handle = await this.#openHandle(path);
      await handle.write(`${JSON.stringify(record)}\n`);
      await handle.sync();
    });
    this.#appends = write.catch(() => undefined);
    return write.catch((error: unknown) => {
      throw journalError(path, `it cannot be written (${codeOf(error)}); choose a writable --state-dir`, error);
    });
  }

  async #openHandle(path: string): Promise<FileHandle> {
    if (this.#handle !== undefined) return this.#handle;
    await ensureStateDir(dirname(path));
    const handle = await open(path, 'a', STATE_FILE_MODE);
    this.#handle = handle;
    if (!this.#hasHeader) {
      await handle.write(`${JSON.stringify(this.#header())}\n`);
      await handle.sync();
      this.#hasHeader = true;
      await syncDirectory(dirname(path));
    }
    return handle;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  #header(): JournalRecord {
    return { t: 'header', version: CONSENT_JOURNAL_VERSION, listId: this.#listId, salt: this.#salt.toString('hex') };
  }

  #hash(text: string, bytes: number): string {
    return createHash('sha256').update(this.#salt).update(text).digest().subarray(0, bytes).toString('base64url');
  }
}

function keyText(key: ConsentKey): string {
  return `${key.email}.${key.consent}`;
}

function splitKey(key: string): [string, string] {
  const dot = key.indexOf('.');
  return dot < 0 ? [key, ''] : [key.slice(0, dot), key.slice(dot + 1)];
}

/** Every line as a record; a last line cut short by a crash is dropped, any other bad line is damage. */
function parseLines(text: string, path: string): JournalRecord[] {
  const lines = text.split('\n');
  const isComplete = text.endsWith('\n');
  if (isComplete) lines.pop();
  const records: JournalRecord[] = [];
  for (const [index, line] of lines.entries()) {
    const isLast = index === lines.length - 1;
    try {
      const record = JSON.parse(line) as JournalRecord;
      if (typeof record !== 'object' || record === null || typeof record.t !== 'string') throw new Error('not a record');
      records.push(record);
    } catch (error) {
      if (isLast && !isComplete) break;
      throw journalError(path, `line ${index + 1} is not a journal record`, error);
    }
  }
  return records;
}

async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems cannot fsync a directory; the file's own fsync still holds its content.
  }
}

function journalError(path: string, reason: string, cause?: unknown): ConsentJournalError {
  return new ConsentJournalError(
    `The consent journal ${path} cannot be used: ${reason}. Fix or restore it; deleting it makes the next --subscribe run forget whom earlier runs subscribed (on a double opt-in list, people may get another confirmation email).`,
    cause === undefined ? undefined : { cause },
  );
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}
