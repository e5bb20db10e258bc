import { mulberry32 } from '../../prng.js';

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
