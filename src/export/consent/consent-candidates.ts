import type { KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import type { SubscribeCandidate } from '../scan/subscribe-candidate.js';

/**
 * The consenting rows of a scan, held until the import is done, in columns rather than one object
 * per row: half a million consenting rows would otherwise cost hundreds of MB of object headers.
 * Iterating rebuilds one candidate at a time.
 */
export class ConsentCandidates implements Iterable<SubscribeCandidate> {
  readonly #emails: string[] = [];
  #lines = new Uint32Array(1024);
  /** 0-based JSON array element + 1; 0 when the file is not a JSON array. */
  #elements = new Uint32Array(1024);
  /** bit 0: email, bit 1: sms. */
  #channels = new Uint8Array(1024);
  /** NaN when the row gave no consent time. */
  #consentedAt = new Float64Array(1024);
  readonly #phoneNumbers = new Map<number, string>();

  get size(): number {
    return this.#emails.length;
  }

  push(candidate: SubscribeCandidate): void {
    const index = this.#emails.length;
    if (index === this.#lines.length) this.#grow();
    // A copy: the email may be a slice of a whole chunk of the file, which it would keep alive.
    this.#emails.push(Buffer.from(candidate.email, 'utf8').toString('utf8'));
    this.#lines[index] = candidate.line;
    this.#elements[index] = candidate.element === undefined ? 0 : candidate.element + 1;
    this.#channels[index] = (candidate.channels.email ? 1 : 0) | (candidate.channels.sms ? 2 : 0);
    this.#consentedAt[index] = candidate.consentedAtMs ?? Number.NaN;
    if (candidate.phoneNumber !== undefined) this.#phoneNumbers.set(index, candidate.phoneNumber);
  }

  *[Symbol.iterator](): Iterator<SubscribeCandidate> {
    for (let index = 0; index < this.#emails.length; index += 1) {
      const element = this.#elements[index] ?? 0;
      const channels = this.#channels[index] ?? 0;
      const consentedAtMs = this.#consentedAt[index] ?? Number.NaN;
      const phoneNumber = this.#phoneNumbers.get(index);
      yield {
        line: this.#lines[index] ?? 0,
        ...(element === 0 ? {} : { element: element - 1 }),
        email: this.#emails[index] ?? '',
        channels: { email: (channels & 1) !== 0, sms: (channels & 2) !== 0 },
        ...(phoneNumber === undefined ? {} : { phoneNumber }),
        ...(Number.isNaN(consentedAtMs) ? {} : { consentedAtMs }),
      };
    }
  }

  #grow(): void {
    const size = this.#lines.length * 2;
    const grown = <T extends Uint32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.#lines = grown(this.#lines, (n) => new Uint32Array(n));
    this.#elements = grown(this.#elements, (n) => new Uint32Array(n));
    this.#channels = grown(this.#channels, (n) => new Uint8Array(n));
    this.#consentedAt = grown(this.#consentedAt, (n) => new Float64Array(n));
  }
}

/** How many people a double opt-in list will email, before anything is sent: an upper bound. */
export function confirmationEmailsAhead(list: Pick<KlaviyoList, 'optInProcess'>, candidates: Iterable<SubscribeCandidate>): number {
  if (list.optInProcess !== 'double_opt_in') return 0;
  let count = 0;
  for (const candidate of candidates) if (candidate.channels.email && candidate.consentedAtMs === undefined) count += 1;
  return count;
}
