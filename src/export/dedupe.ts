/**
 * Remembers the first line of each email (lower-cased) so that later occurrences are counted as
 * duplicates pointing at the first. It is the one structure that grows with the file, so it keeps
 * no strings: each key is stored as a 96-bit hash (three independent 32-bit hashes) with its line,
 * in typed arrays (16 bytes a slot, about 32 MB for a million emails, and no garbage to collect).
 * Two different emails would have to agree on all 96 bits to be taken for one another: for a
 * million distinct emails the chance is about 1 in 10^17.
 */
export class EmailDeduplicator {
  #capacity: number;
  #hashA: Uint32Array;
  #hashB: Uint32Array;
  #hashC: Uint32Array;
  /** 0 marks an empty slot: source lines start at 1. */
  #lines: Uint32Array;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.#capacity = initialCapacity;
    this.#hashA = new Uint32Array(initialCapacity);
    this.#hashB = new Uint32Array(initialCapacity);
    this.#hashC = new Uint32Array(initialCapacity);
    this.#lines = new Uint32Array(initialCapacity);
  }

  /** Returns undefined for a first occurrence, or the line of the first occurrence for a duplicate. */
  firstLineOf(dedupeKey: string, line: number): number | undefined {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    let c = dedupeKey.length;
    for (let i = 0; i < dedupeKey.length; i += 1) {
      const code = dedupeKey.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
      b ^= b >>> 15;
      c = (Math.imul(c, 31) + code) | 0;
    }
    a ^= a >>> 16;
    c = Math.imul(c ^ (c >>> 16), 0x85ebca6b);
    c ^= c >>> 13;
    return this.#findOrInsert(a >>> 0, b >>> 0, c >>> 0, line);
  }

  get size(): number {
    return this.#size;
  }

  #findOrInsert(a: number, b: number, c: number, line: number): number | undefined {
    const mask = this.#capacity - 1;
    let slot = a & mask;
    for (;;) {
      const existing = this.#lines[slot]!;
      if (existing === 0) break;
      if (this.#hashA[slot] === a && this.#hashB[slot] === b && this.#hashC[slot] === c) return existing;
      slot = (slot + 1) & mask;
    }
    this.#hashA[slot] = a;
    this.#hashB[slot] = b;
    this.#hashC[slot] = c;
    this.#lines[slot] = line;
    this.#size += 1;
    if (this.#size * 2 > this.#capacity) this.#grow();
    return undefined;
  }

  #grow(): void {
    const [oldA, oldB, oldC, oldLines] = [this.#hashA, this.#hashB, this.#hashC, this.#lines];
    this.#capacity *= 2;
    this.#hashA = new Uint32Array(this.#capacity);
    this.#hashB = new Uint32Array(this.#capacity);
    this.#hashC = new Uint32Array(this.#capacity);
    this.#lines = new Uint32Array(this.#capacity);
    this.#size = 0;
    for (let i = 0; i < oldLines.length; i += 1) {
      if (oldLines[i] !== 0) this.#findOrInsert(oldA[i]!, oldB[i]!, oldC[i]!, oldLines[i]!);
    }
  }
}
