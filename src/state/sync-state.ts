import {
  ATTRIBUTES_HASH_BYTES,
  RecordFlag,
  recordEmailLength,
  recordEmailStart,
  recordHashStart,
  recordLength,
  type SyncStateRecords,
} from './sync-state-file.js';

/** How a profile of the file compares with the sync state. */
export type ProfileChange = 'added' | 'updated' | 'unchanged';

const NOT_SEEN = 0;
const SEEN = 1;

/**
 * The sync state in memory, for one pass over the file: the loaded bytes plus an open-addressing
 * table of typed arrays (a 32-bit hash of each email's bytes and where its record is). No
 * JavaScript string per profile: about 17 bytes a record beside the file's own ~45 bytes. A hash
 * match is confirmed byte for byte, so two emails are never taken for one another.
 */
export class SyncState {
  readonly #records: SyncStateRecords;
  readonly #offsets: Uint32Array;
  readonly #emailHashes: Uint32Array;
  readonly #seen: Uint8Array;
  /** Record index + 1 per slot; 0 is empty. */
  readonly #table: Uint32Array;
  readonly #mask: number;
  #scratch = Buffer.allocUnsafe(1024);

  constructor(records: SyncStateRecords) {
    this.#records = records;
    const { bytes, recordsStart, count } = records;
    this.#offsets = new Uint32Array(count);
    this.#emailHashes = new Uint32Array(count);
    this.#seen = new Uint8Array(count);
    let capacity = 1024;
    while (capacity < count * 2) capacity *= 2;
    this.#table = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    let offset = recordsStart;
    for (let index = 0; index < count; index += 1) {
      this.#offsets[index] = offset;
      const start = recordEmailStart(offset);
      const hash = hashBytes(bytes, start, start + recordEmailLength(bytes, offset));
      this.#emailHashes[index] = hash;
      // A state written by this tool holds each email once; a repeated one keeps its first record.
      if (this.#find(hash, bytes, start, recordEmailLength(bytes, offset)) === undefined) {
        let slot = hash & this.#mask;
        while (this.#table[slot] !== 0) slot = (slot + 1) & this.#mask;
        this.#table[slot] = index + 1;
      }
      offset += recordLength(bytes, offset);
    }
  }

  /** Records in the state (its known members). */
  get size(): number {
    return this.#records.count;
  }

  /**
   * Compares one profile of the file (its normalised email and attributes hash) with the state and
   * marks its record as seen. A record pending removal is never 'unchanged': the profile may be out
   * of the list already, so it is sent again.
   */
  classify(email: string, hash: Uint8Array): ProfileChange {
    const index = this.#lookUp(email);
    if (index === undefined) return 'added';
    this.#seen[index] = SEEN;
    const { bytes } = this.#records;
    const offset = this.#offsets[index]!;
    if ((bytes[offset]! & RecordFlag.pendingRemoval) !== 0) return 'added';
    const hashStart = recordHashStart(bytes, offset);
    return bytes.compare(hash, 0, ATTRIBUTES_HASH_BYTES, hashStart, hashStart + ATTRIBUTES_HASH_BYTES) === 0 ? 'unchanged' : 'updated';
  }

  /** Whether the state holds this email (without marking it seen). */
  has(email: string): boolean {
    return this.#lookUp(email) !== undefined;
  }

  /** Records whose email was not classified: the members that left the file. */
  *unseen(): Generator<{ index: number; email: string }> {
    const { bytes } = this.#records;
    for (let index = 0; index < this.#records.count; index += 1) {
      if (this.#seen[index] !== NOT_SEEN) continue;
      const offset = this.#offsets[index]!;
      const start = recordEmailStart(offset);
      yield { index, email: bytes.toString('utf8', start, start + recordEmailLength(bytes, offset)) };
    }
  }

  /** How many records were not classified. */
  countUnseen(): number {
    let count = 0;
    for (let index = 0; index < this.#records.count; index += 1) if (this.#seen[index] === NOT_SEEN) count += 1;
    return count;
  }

  /** The loaded bytes and offset of a record, to copy it into a new state. */
  recordAt(index: number): { bytes: Buffer; offset: number } {
    return { bytes: this.#records.bytes, offset: this.#offsets[index]! };
  }

  #lookUp(email: string): number | undefined {
    const needed = email.length * 3;
    if (this.#scratch.length < needed) this.#scratch = Buffer.allocUnsafe(needed);
    const length = this.#scratch.write(email, 0, 'utf8');
    return this.#find(hashBytes(this.#scratch, 0, length), this.#scratch, 0, length);
  }

  #find(hash: number, source: Buffer, start: number, length: number): number | undefined {
    const { bytes } = this.#records;
    let slot = hash & this.#mask;
    for (;;) {
      const entry = this.#table[slot]!;
      if (entry === 0) return undefined;
      const index = entry - 1;
      if (this.#emailHashes[index] === hash) {
        const offset = this.#offsets[index]!;
        const emailStart = recordEmailStart(offset);
        if (
          recordEmailLength(bytes, offset) === length &&
          bytes.compare(source, start, start + length, emailStart, emailStart + length) === 0
        ) {
          return index;
        }
      }
      slot = (slot + 1) & this.#mask;
    }
  }
}

/** FNV-1a over bytes, finished with a shift so that the low bits (the table slot) depend on every byte. */
export function hashBytes(bytes: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return (hash ^ (hash >>> 16)) >>> 0;
}
