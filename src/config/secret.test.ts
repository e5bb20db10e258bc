import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactSecret, Secret } from './secret.js';

describe('Secret', () => {
  const key = 'pk_live_abcdef0123456789';
  const secret = new Secret(key);

  it('never shows the key when printed, serialised or inspected', () => {
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- what a careless template would print
    const printed = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ nested: { secret } }, { depth: Infinity })];
    for (const text of printed) expect(text).not.toContain(key);
  });

  it('gives the key only through reveal()', () => {
    expect(secret.reveal()).toBe(key);
  });

  it('redacts the key from a text a library produced', () => {
    expect(redactSecret(`header Klaviyo-API-Key ${key} refused`, secret)).toBe('header Klaviyo-API-Key *** refused');
  });
});
