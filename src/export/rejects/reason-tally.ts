import { addLine, type ReasonCount } from '../../report/run-summary.js';

/** Counts lines by reason, keeping the first lines of each for the report. */
export class ReasonTally {
  readonly #byReason = new Map<string, ReasonCount>();

  add(reason: string, description: string, line: number, element?: number): void {
    let entry = this.#byReason.get(reason);
    if (!entry) {
      entry = { reason, description, count: 0, lines: [] };
      this.#byReason.set(reason, entry);
    }
    addLine(entry, line, element);
  }

  get total(): number {
    let total = 0;
    for (const entry of this.#byReason.values()) total += entry.count;
    return total;
  }

  toList(): ReasonCount[] {
    const ascending = (a: number, b: number) => a - b;
    return [...this.#byReason.values()].map((entry) => ({
      ...entry,
      lines: [...entry.lines].sort(ascending),
      ...(entry.elements ? { elements: [...entry.elements].sort(ascending) } : {}),
    }));
  }
}
