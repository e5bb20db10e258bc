/**
 * Remembers the first line of each email (lower-cased) so that later occurrences are counted as
 * duplicates pointing at the first. This map is the one structure that grows with the file.
 */
export class EmailDeduplicator {
  readonly #firstLineByKey = new Map<string, number>();

  /** Returns undefined for a first occurrence, or the line of the first occurrence for a duplicate. */
  firstLineOf(dedupeKey: string, line: number): number | undefined {
    const first = this.#firstLineByKey.get(dedupeKey);
    if (first !== undefined) return first;
    this.#firstLineByKey.set(dedupeKey, line);
    return undefined;
  }

  get size(): number {
    return this.#firstLineByKey.size;
  }
}
