import { describe, expect, it } from 'vitest';
import { EmailDeduplicator } from './dedupe.js';

describe('EmailDeduplicator', () => {
  it('returns nothing for a first occurrence and the first line for every later one', () => {
    const dedupe = new EmailDeduplicator();
    expect(dedupe.firstLineOf('ann@example.com', 2)).toBeUndefined();
    expect(dedupe.firstLineOf('bob@example.com', 3)).toBeUndefined();
    expect(dedupe.firstLineOf('ann@example.com', 9)).toBe(2);
    expect(dedupe.firstLineOf('ann@example.com', 12)).toBe(2);
    expect(dedupe.size).toBe(2);
  });

  it('keeps 200,000 distinct near-identical emails apart while growing, and finds each again', () => {
    const dedupe = new EmailDeduplicator(16);
    const n = 200_000;
    for (let i = 0; i < n; i += 1) expect.soft(dedupe.firstLineOf(`user${i}@example.com`, i + 2)).toBeUndefined();
    expect(dedupe.size).toBe(n);
    let found = 0;
    for (let i = 0; i < n; i += 1) if (dedupe.firstLineOf(`user${i}@example.com`, n + i + 2) === i + 2) found += 1;
    expect(found).toBe(n);
  });

  it('never takes two different emails for one another, even when their hashes collide', () => {
    // "Aa" and "BB" hash alike under many simple string hashes; a table with 2 slots makes every key collide.
    const dedupe = new EmailDeduplicator(2);
    // The last two have the same bytes, once as Latin-1 (â, 0x82, ¬) and once as UTF-8 (€).
    const keys = ['aa@x.io', 'bb@x.io', 'Aa@x.io', 'BB@x.io', 'x', 'y', 'é@x.io', 'e@x.io', '\u00e2\u0082\u00ac', '\u20ac'];
    keys.forEach((key, i) => expect(dedupe.firstLineOf(key, i + 1)).toBeUndefined());
    keys.forEach((key, i) => expect(dedupe.firstLineOf(key, 100 + i)).toBe(i + 1));
  });

  it('tells apart keys that differ only by swapped characters or length', () => {
    const dedupe = new EmailDeduplicator();
    const keys = ['ab@x.io', 'ba@x.io', 'ab@x.i', 'ab@x.ioo', 'a@bx.io', '', 'é@x.io', 'e@x.io'];
    keys.forEach((key, i) => expect(dedupe.firstLineOf(key, i + 1)).toBeUndefined());
  });
});
