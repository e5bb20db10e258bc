/**
 * Remembers the first line of each email (lower-cased) so that later occurrences are counted as
 * duplicates pointing at the first. It is the one structure that grows with the file, so it holds
 * no JavaScript strings: the keys' UTF-8 bytes go to one growing arena, and an open-addressing
 * table of typed arrays keeps, per key, a 32-bit hash, its line and where its bytes are. A hash
 * match is confirmed byte for byte, so two different emails are never taken for one another.
 * About 30 bytes per unique email (60 MB for a million), and no garbage to collect.
 */
/** Set in a stored length when the key's bytes are UTF-8 (keys are far shorter than 32 KB). */
const UTF8_FLAG = 0x8000;

export class EmailDeduplicator {
  #capacity: number;
  #hashes: Uint32Array;
  /** 0 marks an empty slot: source lines start at 1. */
  #lines: Uint32Array;
  #offsets: Uint32Array;
  #lengths: Uint16Array;
  #arena: Buffer;
  #arenaUsed = 0;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.#capacity = initialCapacity;
    this.#hashes = new Uint32Array(initialCapacity);
    this.#lines = new Uint32Array(initialCapacity);
    this.#offsets = new Uint32Array(initialCapacity);
    this.#lengths = new Uint16Array(initialCapacity);
    this.#arena = Buffer.allocUnsafe(initialCapacity * 16);
  }

  /** Returns undefined for a first occurrence, or the line of the first occurrence for a duplicate. */
  firstLineOf(dedupeKey: string, line: number): number | undefined {
    let hash = 0x811c9dc5;
    let codeBits = 0;
    for (let i = 0; i < dedupeKey.length; i += 1) {
      const code = dedupeKey.charCodeAt(i);
      codeBits |= code;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
    hash = (hash ^ (hash >>> 16)) >>> 0;
    // The key is written where it would stay if it is new; a duplicate leaves the arena as it was.
    // Emails are ASCII once validated: one byte a character is exact and faster than UTF-8; any
    // other key is stored as UTF-8 and flagged, so that the two encodings never compare equal.
    const start = this.#reserve(dedupeKey.length * 3);
    const isOneByte = codeBits < 0x100;
    const bytes = this.#arena.write(dedupeKey, start, isOneByte ? 'latin1' : 'utf8');
    const length = isOneByte ? bytes : bytes | UTF8_FLAG;
    const mask = this.#capacity - 1;
    let slot = hash & mask;
    for (;;) {
      const existing = this.#lines[slot]!;
      if (existing === 0) break;
      if (this.#hashes[slot] === hash && this.#isSameKey(slot, start, length)) return existing;
      slot = (slot + 1) & mask;
    }
    this.#hashes[slot] = hash;
    this.#lines[slot] = line;
    this.#offsets[slot] = start;
    this.#lengths[slot] = length;
    this.#arenaUsed = start + bytes;
    this.#size += 1;
    if (this.#size * 2 > this.#capacity) this.#grow();
    return undefined;
  }

  get size(): number {
    return this.#size;
  }

  #isSameKey(slot: number, start: number, length: number): boolean {
    if (this.#lengths[slot] !== length) return false;
    const offset = this.#offsets[slot]!;
    const bytes = length & ~UTF8_FLAG;
    return this.#arena.compare(this.#arena, start, start + bytes, offset, offset + bytes) === 0;
  }

  /** Makes room for `bytes` more at the end of the arena; returns where they start. */
  #reserve(bytes: number): number {
    if (this.#arenaUsed + bytes > this.#arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#arenaUsed + bytes));
      this.#arena.copy(grown, 0, 0, this.#arenaUsed);
      this.#arena = grown;
    }
    return this.#arenaUsed;
  }

  #grow(): void {
    const [hashes, lines, offsets, lengths] = [this.#hashes, this.#lines, this.#offsets, this.#lengths];
    this.#capacity *= 2;
    this.#hashes = new Uint32Array(this.#capacity);
    this.#lines = new Uint32Array(this.#capacity);
    this.#offsets = new Uint32Array(this.#capacity);
    this.#lengths = new Uint16Array(this.#capacity);
    const mask = this.#capacity - 1;
    for (let i = 0; i < lines.length; i += 1) {
      if (lines[i] === 0) continue;
      let slot = hashes[i]! & mask;
      while (this.#lines[slot] !== 0) slot = (slot + 1) & mask;
      this.#hashes[slot] = hashes[i]!;
      this.#lines[slot] = lines[i]!;
      this.#offsets[slot] = offsets[i]!;
      this.#lengths[slot] = lengths[i]!;
    }
  }
}
