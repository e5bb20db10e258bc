/**
 * A uniform random sample of a stream of unknown length, reproducible from a seed: reservoir
 * sampling (Vitter's algorithm R) driven by mulberry32, a small 32-bit PRNG. The same seed and the
 * same file give the same rows; the sample's memory is its size, not the file's.
 */
export class RowSample<T> {
  readonly #size: number;
  readonly #random: () => number;
  readonly #kept: T[] = [];
  #seen = 0;

  /** `size` undefined keeps every item (`--all`). */
  constructor(size: number | undefined, seed: number) {
    this.#size = size ?? Number.POSITIVE_INFINITY;
    this.#random = mulberry32(seed);
  }

  offer(item: T): void {
    this.#seen += 1;
    if (this.#kept.length < this.#size) {
      this.#kept.push(item);
      return;
    }
    const slot = Math.floor(this.#random() * this.#seen);
    if (slot < this.#size) this.#kept[slot] = item;
  }

  /** Items offered so far. */
  get seen(): number {
    return this.#seen;
  }

  /** The sample, in the order `compare` gives (file order, for a person reading it). */
  items(compare: (a: T, b: T) => number): T[] {
    return [...this.#kept].sort(compare);
  }
}

/** https://github.com/bryc/code/blob/master/jshash/PRNGs.md#mulberry32: uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
