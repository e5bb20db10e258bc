import { openSegment } from '../../source/open-segment.js';
import type { ReadSegmentOptions } from '../../source/source-record.js';
import type { RejectsFile } from './rejects-file.js';

/** A row delivery did not deliver, as delivery knows it: where it came from, why, and the email sent. */
export interface LateReject {
  readonly line: number;
  readonly element?: number | undefined;
  readonly reason: string;
  readonly detail: string;
  /** The email sent, to check that the line still holds the row; absent when delivery does not know it. */
  readonly email?: string | undefined;
}

const INITIAL_CAPACITY = 1024;
const NO_ELEMENT = -1;
/** The email was not known (a row not followed to its end): the line is trusted as it is. */
const UNKNOWN_EMAIL = 0;

/**
 * The rows that Klaviyo refused, or that were not delivered or not confirmed, kept until the run
 * ends and then written to the rejects file with their original columns, read again from the file:
 * the request bodies hold only the mapped values, and a rejects file is for fixing the source rows
 * and pushing them again. Kept compactly (about 18 bytes a row in typed arrays, reasons and details
 * interned), so that even a run whose every row ends unconfirmed (`--no-wait`) stays small.
 */
export class LateRejects {
  #count = 0;
  #lines = new Int32Array(INITIAL_CAPACITY);
  #elements = new Int32Array(INITIAL_CAPACITY);
  #reasons = new Uint16Array(INITIAL_CAPACITY);
  #details = new Int32Array(INITIAL_CAPACITY);
  #emailHashes = new Uint32Array(INITIAL_CAPACITY);
  readonly #reasonIds = new Interned();
  readonly #detailIds = new Interned();

  #isWritten = false;

  get size(): number {
    return this.#count;
  }

  get isWritten(): boolean {
    return this.#isWritten;
  }

  add(row: LateReject): void {
    if (this.#count === this.#lines.length) this.#grow();
    const i = this.#count;
    this.#lines[i] = row.line;
    this.#elements[i] = row.element ?? NO_ELEMENT;
    this.#reasons[i] = this.#reasonIds.idOf(row.reason);
    this.#details[i] = this.#detailIds.idOf(row.detail);
    this.#emailHashes[i] = row.email === undefined ? UNKNOWN_EMAIL : hashEmail(row.email);
    this.#count += 1;
  }

  /**
   * Reads the file again and writes each kept row with its columns, in file order. A row whose
   * email no longer matches what was sent (the file changed during the run) is written without
   * values, saying so, rather than with another row's.
   */
  async writeTo(rejects: RejectsFile, source: ReadSegmentOptions, emailColumn: string): Promise<void> {
    if (this.#isWritten) return;
    this.#isWritten = true;
    if (this.#count === 0) return;
    const order = this.#fileOrder();
    let next = 0;
    const segment = await openSegment(source);
    for await (const batch of segment.recordBatches) {
      for (const record of batch) {
        while (next < order.length && this.#isBefore(order[next]!, record.line, record.index ?? NO_ELEMENT)) {
          this.#write(rejects, order[next]!, {}, ' (this row was not found again in the file, which changed during the run)');
          next += 1;
        }
        while (next < order.length && this.#isAt(order[next]!, record.line, record.index ?? NO_ELEMENT)) {
          const i = order[next]!;
          const email = record.fields[emailColumn];
          const expected = this.#emailHashes[i];
          const isSameRow = expected === UNKNOWN_EMAIL || (typeof email === 'string' && hashEmail(email) === expected);
          if (isSameRow) this.#write(rejects, i, record.fields, '');
          else this.#write(rejects, i, {}, ' (the file changed during the run: this line now holds another row)');
          next += 1;
        }
        if (next === order.length) return;
      }
    }
    for (; next < order.length; next += 1) {
      this.#write(rejects, order[next]!, {}, ' (this row was not found again in the file, which changed during the run)');
    }
  }

  #write(rejects: RejectsFile, i: number, fields: Readonly<Record<string, unknown>>, note: string): void {
    const element = this.#elements[i]!;
    rejects.add({
      line: this.#lines[i]!,
      index: element === NO_ELEMENT ? undefined : element,
      reason: this.#reasonIds.valueOf(this.#reasons[i]!),
      detail: this.#detailIds.valueOf(this.#details[i]!) + note,
      fields,
    });
  }

  #isBefore(i: number, line: number, element: number): boolean {
    return this.#lines[i]! < line || (this.#lines[i] === line && this.#elements[i]! < element);
  }

  #isAt(i: number, line: number, element: number): boolean {
    return this.#lines[i] === line && this.#elements[i] === element;
  }

  /** Indexes sorted by line, then element: delivery reports rows in the order its jobs end. */
  #fileOrder(): Uint32Array {
    const order = new Uint32Array(this.#count);
    for (let i = 0; i < order.length; i += 1) order[i] = i;
    const lines = this.#lines;
    const elements = this.#elements;
    return order.sort((a, b) => lines[a]! - lines[b]! || elements[a]! - elements[b]!);
  }

  #grow(): void {
    const capacity = this.#lines.length * 2;
    this.#lines = grown(this.#lines, new Int32Array(capacity));
    this.#elements = grown(this.#elements, new Int32Array(capacity));
    this.#reasons = grown(this.#reasons, new Uint16Array(capacity));
    this.#details = grown(this.#details, new Int32Array(capacity));
    this.#emailHashes = grown(this.#emailHashes, new Uint32Array(capacity));
  }
}

function grown<T extends Int32Array | Uint16Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Strings seen many times (reasons, the shared details of unconfirmed rows) stored once. */
class Interned {
  readonly #ids = new Map<string, number>();
  readonly #values: string[] = [];

  idOf(value: string): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#values.length;
      this.#values.push(value);
      this.#ids.set(value, id);
    }
    return id;
  }

  valueOf(id: number): string {
    return this.#values[id] ?? '';
  }
}

/** FNV-1a over the trimmed, lower-cased address: enough to tell that a line still holds the row sent. */
function hashEmail(email: string): number {
  const text = email.trim().toLowerCase();
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
