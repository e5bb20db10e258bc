import type { ListMemberRef } from '../../klaviyo/klaviyo-client.js';
import { hashBytes } from '../../state/sync-state.js';

/**
 * The list's current members (`--mirror-source list`), read page by page: emails and profile ids
 * in one growing byte arena with an open-addressing table of typed arrays, like the sync state,
 * so that a million members cost ~60 MB and no string each. Members without an email are only
 * counted: they are always kept.
 *
 * Record: u16le emailLength, email (UTF-8), u8 idLength, id (UTF-8).
 */
export class ListMemberIndex {
  #arena = Buffer.allocUnsafe(1 << 16);
  #used = 0;
  #offsets = new Uint32Array(1024);
  #hashes = new Uint32Array(1024);
  #isInFile = new Uint8Array(1024);
  #count = 0;
  #table = new Uint32Array(2048);
  #withoutEmail = 0;
  #scratch = Buffer.allocUnsafe(1024);

  /** Members read, with or without an email. */
  get size(): number {
    return this.#count + this.#withoutEmail;
  }

  /** Members known by phone number or external id only: kept. */
  get withoutEmail(): number {
    return this.#withoutEmail;
  }

  add(member: ListMemberRef): void {
    if (member.email === undefined || member.email === '') {
      this.#withoutEmail += 1;
      return;
    }
    const emailBytes = Buffer.byteLength(member.email, 'utf8');
    const idBytes = Buffer.byteLength(member.profileId, 'utf8');
    if (emailBytes > 0xffff || idBytes > 0xff) throw new RangeError('A list member with an over-long email or id.');
    this.#reserve(3 + emailBytes + idBytes);
    const start = this.#used;
    this.#arena.writeUInt16LE(emailBytes, start);
    this.#arena.write(member.email, start + 2, 'utf8');
    const hash = hashBytes(this.#arena, start + 2, start + 2 + emailBytes);
    if (this.#find(hash, this.#arena, start + 2, emailBytes) !== undefined) return; // listed twice across pages
    this.#arena.writeUInt8(idBytes, start + 2 + emailBytes);
    this.#arena.write(member.profileId, start + 3 + emailBytes, 'utf8');
    this.#used = start + 3 + emailBytes + idBytes;
    if (this.#count === this.#offsets.length) this.#growRecords();
    this.#offsets[this.#count] = start;
    this.#hashes[this.#count] = hash;
    this.#count += 1;
    if (this.#count * 2 > this.#table.length) this.#rebuildTable(this.#table.length * 2);
    else this.#insert(this.#count - 1);
  }

  /** Whether the list holds this (normalised) email; marks the member as in the file. */
  markInFile(email: string): boolean {
    const needed = email.length * 3;
    if (this.#scratch.length < needed) this.#scratch = Buffer.allocUnsafe(needed);
    const length = this.#scratch.write(email, 0, 'utf8');
    const index = this.#find(hashBytes(this.#scratch, 0, length), this.#scratch, 0, length);
    if (index === undefined) return false;
    this.#isInFile[index] = 1;
    return true;
  }

  /** Members with an email that was not in the file: the ones to remove. */
  *notInFile(): Generator<{ email: string; profileId: string }> {
    for (let index = 0; index < this.#count; index += 1) {
      if (this.#isInFile[index] !== 0) continue;
      const start = this.#offsets[index]!;
      const emailBytes = this.#arena.readUInt16LE(start);
      const idStart = start + 3 + emailBytes;
      yield {
        email: this.#arena.toString('utf8', start + 2, start + 2 + emailBytes),
        profileId: this.#arena.toString('utf8', idStart, idStart + this.#arena[start + 2 + emailBytes]!),
      };
    }
  }

  countNotInFile(): number {
    let count = 0;
    for (let index = 0; index < this.#count; index += 1) if (this.#isInFile[index] === 0) count += 1;
    return count;
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#arena.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#arena.length * 2, this.#used + bytes));
    this.#arena.copy(grown, 0, 0, this.#used);
    this.#arena = grown;
  }

  #growRecords(): void {
    const size = this.#offsets.length * 2;
    const grow = <T extends Uint32Array | Uint8Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#offsets = grow(this.#offsets, new Uint32Array(size));
    this.#hashes = grow(this.#hashes, new Uint32Array(size));
    this.#isInFile = grow(this.#isInFile, new Uint8Array(size));
  }

  #rebuildTable(capacity: number): void {
    this.#table = new Uint32Array(capacity);
    for (let index = 0; index < this.#count; index += 1) this.#insert(index);
  }

  #insert(index: number): void {
    const mask = this.#table.length - 1;
    let slot = this.#hashes[index]! & mask;
    while (this.#table[slot] !== 0) slot = (slot + 1) & mask;
    this.#table[slot] = index + 1;
  }

  #find(hash: number, source: Buffer, start: number, length: number): number | undefined {
    const mask = this.#table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = this.#table[slot]!;
      if (entry === 0) return undefined;
      const index = entry - 1;
      const offset = this.#offsets[index]!;
      if (
        this.#hashes[index] === hash &&
        this.#arena.readUInt16LE(offset) === length &&
        this.#arena.compare(source, start, start + length, offset + 2, offset + 2 + length) === 0
      ) {
        return index;
      }
      slot = (slot + 1) & mask;
    }
  }
}
