import { describe, expect, it } from 'vitest';
import { validateBaseUrl } from '../config/base-url.js';
import { describeSandboxAddress } from './sandbox-address.js';

describe('describeSandboxAddress', () => {
  it.each([
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010', 0],
    ['http://[::1]:4010', 'http://[::1]:4010', 0],
    ['http://0.0.0.0:4010', 'http://127.0.0.1:4010', 2],
    ['http://[::]:4010', 'http://127.0.0.1:4010', 2],
    ['http://192.168.1.5:4010', 'http://127.0.0.1:4010', 2],
  ])('%s: gives %s, which the CLI accepts, with %i notes', (listening, baseUrl, notes) => {
    const address = describeSandboxAddress(listening);
    expect(address.baseUrl).toBe(baseUrl);
    expect(() => validateBaseUrl(address.baseUrl)).not.toThrow();
    expect(address.notes).toHaveLength(notes);
  });

  it('says why another address is refused and how to reach it', () => {
    const notes = describeSandboxAddress('http://192.168.1.5:4010').notes.join(' ');
    expect(notes).toContain('192.168.1.5:4010 is not a loopback address');
    expect(notes).toContain('ssh -L 4010:192.168.1.5:4010');
  });
});
