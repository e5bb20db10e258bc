import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SyncStateError, UsageError } from '../errors.js';
import { isErrorCode, STATE_FILE_MODE } from './atomic-file.js';
import { stateFilePath } from './state-file-name.js';

/**
 * The sync state of one list: every email address this tool has put in the list (normalised, as
 * the dedupe compares them) with a 128-bit hash of the attributes it last sent. Binary, so that a
 * million profiles cost ~45 MB on disk and in memory, not a heap of strings:
 *
 *   header   "KXSYNC" u8 version u8 listIdLength, listId (UTF-8)
 *   records  u8 flags, u16le emailLength, email (UTF-8), 16-byte attributes hash
 *   trailer  u32le recordCount, sha256 of every byte before it (32 bytes)
 *
 * The trailer's digest makes a truncated or damaged file detectable. The file holds email
 * addresses: mode 0600, replaced atomically (temporary file, fsync, rename).
 */
export const SYNC_STATE_VERSION = 1;
const MAGIC = Buffer.from('KXSYNC', 'latin1');
export const ATTRIBUTES_HASH_BYTES = 16;
const DIGEST_BYTES = 32;
const TRAILER_BYTES = 4 + DIGEST_BYTES;
const RECORD_OVERHEAD = 1 + 2 + ATTRIBUTES_HASH_BYTES;
const MAX_EMAIL_BYTES = 0xffff;
const WRITE_CHUNK_BYTES = 1 << 20;

/** Record flags. */
export const RecordFlag = {
  /**
   * Planned for removal by a --mirror run that had not confirmed the removal when the state was
   * written: still to remove if it is not in the file, and never "unchanged" if it is (it may
   * already be out of the list).
   */
  pendingRemoval: 1,
} as const;

export function syncStatePath(stateDir: string, listId: string): string {
  return stateFilePath(stateDir, listId, '.sync-state');
}

/** sha-256 of the attributes as sent, cut to 128 bits: two different profiles never look alike in practice. */
export function attributesHash(attributesJson: string): Buffer {
  return createHash('sha256').update(attributesJson).digest().subarray(0, ATTRIBUTES_HASH_BYTES);
}

/** The file's records, as loaded: `bytes` holds them back to back, from `recordsStart` to `recordsEnd`. */
export interface SyncStateRecords {
  readonly bytes: Buffer;
  readonly recordsStart: number;
  readonly recordsEnd: number;
  readonly count: number;
}

/** The records of the list's sync state, or undefined when there is none yet. Throws SyncStateError when damaged. */
export async function readSyncState(path: string, listId: string): Promise<SyncStateRecords | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SyncStateError(`Cannot read the sync state ${path} (${code}); check the --state-dir permissions.`, { cause: error });
  }
  const problem = (reason: string) =>
    new SyncStateError(
      `The sync state ${path} is damaged (${reason}); restore it from a backup, or delete it to start over (the next --mirror run then removes nothing).`,
    );
  if (bytes.length < MAGIC.length + 2 + TRAILER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw problem('not a klaviyo-export sync state');
  }
  const version = bytes[MAGIC.length];
  if (version !== SYNC_STATE_VERSION) {
    throw new SyncStateError(
      `The sync state ${path} has format version ${version}, which this klaviyo-export (format ${SYNC_STATE_VERSION}) cannot read; use the version that wrote it, or delete the file to start over.`,
    );
  }
  const digestStart = bytes.length - DIGEST_BYTES;
  const digest = createHash('sha256').update(bytes.subarray(0, digestStart)).digest();
  if (!digest.equals(bytes.subarray(digestStart))) throw problem('its checksum does not match: the file was cut short or altered');
  const listIdLength = bytes[MAGIC.length + 1] ?? 0;
  const recordsStart = MAGIC.length + 2 + listIdLength;
  const recordsEnd = digestStart - 4;
  if (recordsStart > recordsEnd) throw problem('its header is cut short');
  const storedListId = bytes.toString('utf8', MAGIC.length + 2, recordsStart);
  if (storedListId !== listId) throw problem(`it belongs to list ${storedListId}`);
  const count = bytes.readUInt32LE(recordsEnd);
  let offset = recordsStart;
  for (let index = 0; index < count; index += 1) {
    if (offset + 3 > recordsEnd) throw problem('it holds fewer records than it says');
    offset += RECORD_OVERHEAD + bytes.readUInt16LE(offset + 1);
  }
  if (offset !== recordsEnd) throw problem('its records do not add up');
  return { bytes, recordsStart, recordsEnd, count };
}

/** Where record fields sit, from the record's first byte. */
export function recordEmailLength(bytes: Buffer, offset: number): number {
  return bytes.readUInt16LE(offset + 1);
}
export function recordEmailStart(offset: number): number {
  return offset + 3;
}
export function recordHashStart(bytes: Buffer, offset: number): number {
  return offset + 3 + recordEmailLength(bytes, offset);
}
export function recordLength(bytes: Buffer, offset: number): number {
  return RECORD_OVERHEAD + recordEmailLength(bytes, offset);
}

/**
 * Writes a new sync state record by record, straight to a temporary file beside `path` (1 MB
 * writes, so memory does not grow with the list); `commit` makes it the state at once, `discard`
 * leaves the old one as it was. Synchronous writes: a megabyte at a time, far apart.
 */
export class SyncStateWriter {
  readonly path: string;
  readonly #tempPath: string;
  #fd: number | undefined;
  readonly #digest: Hash = createHash('sha256');
  readonly #chunk = Buffer.allocUnsafe(WRITE_CHUNK_BYTES);
  #used = 0;
  #count = 0;

  constructor(path: string, listId: string, tag = String(process.pid)) {
    this.path = path;
    this.#tempPath = `${path}.${tag}.tmp`;
    const listIdBytes = Buffer.from(listId, 'utf8');
    if (listIdBytes.length > 0xff) throw new RangeError('A list id longer than 255 bytes.');
    try {
      this.#fd = openSync(this.#tempPath, 'w', STATE_FILE_MODE);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`Cannot write the sync state ${path} (${code}); choose a writable --state-dir.`, { cause: error });
    }
    this.#append(Buffer.concat([MAGIC, Buffer.from([SYNC_STATE_VERSION, listIdBytes.length]), listIdBytes]));
  }

  get count(): number {
    return this.#count;
  }

  /** Adds a record: a normalised email, the 16-byte hash of its attributes, and flags. */
  add(email: string, hash: Uint8Array, flags = 0): void {
    const emailBytes = Buffer.byteLength(email, 'utf8');
    if (emailBytes > MAX_EMAIL_BYTES) throw new RangeError('An email address longer than 65,535 bytes.');
    if (this.#used + RECORD_OVERHEAD + emailBytes > this.#chunk.length) this.#flush();
    let at = this.#used;
    at = this.#chunk.writeUInt8(flags, at);
    at = this.#chunk.writeUInt16LE(emailBytes, at);
    at += this.#chunk.write(email, at, 'utf8');
    this.#chunk.set(hash.subarray(0, ATTRIBUTES_HASH_BYTES), at);
    this.#used = at + ATTRIBUTES_HASH_BYTES;
    this.#count += 1;
  }

  /** Copies one record as loaded (`bytes` at `offset`), with new flags. */
  addRecord(bytes: Buffer, offset: number, flags: number): void {
    const length = recordLength(bytes, offset);
    if (this.#used + length > this.#chunk.length) this.#flush();
    bytes.copy(this.#chunk, this.#used, offset, offset + length);
    this.#chunk[this.#used] = flags;
    this.#used += length;
    this.#count += 1;
  }

  /** Replaces the state file with what was added: a reader or a crash sees the old file or the new one. */
  commit(): void {
    const count = Buffer.alloc(4);
    count.writeUInt32LE(this.#count);
    this.#append(count);
    this.#flush();
    const fd = this.#openFd();
    writeAll(fd, this.#digest.digest());
    fsyncSync(fd);
    closeSync(fd);
    this.#fd = undefined;
    try {
      renameSync(this.#tempPath, this.path);
    } catch (error) {
      rmSync(this.#tempPath, { force: true });
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`Cannot write the sync state ${this.path} (${code}); choose a writable --state-dir.`, { cause: error });
    }
  }

  /** Leaves the old state file as it was; safe to call after commit. */
  discard(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.#tempPath, { force: true });
  }

  #append(bytes: Buffer): void {
    if (this.#used + bytes.length > this.#chunk.length) this.#flush();
    bytes.copy(this.#chunk, this.#used);
    this.#used += bytes.length;
  }

  #flush(): void {
    if (this.#used === 0) return;
    const filled = this.#chunk.subarray(0, this.#used);
    this.#digest.update(filled);
    try {
      writeAll(this.#openFd(), filled);
    } catch (error) {
      this.discard();
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`Cannot write the sync state ${this.path} (${code}); choose a writable --state-dir.`, { cause: error });
    }
    this.#used = 0;
  }

  #openFd(): number {
    if (this.#fd === undefined) throw new Error('The sync state writer is closed.');
    return this.#fd;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}
