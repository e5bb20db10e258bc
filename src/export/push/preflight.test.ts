import { describe, expect, it } from 'vitest';
import { runPreflight } from './preflight.js';

describe('runPreflight', () => {
  it('reads the list and sends nothing else (no scope probe)', async () => {
    const calls: string[] = [];
    const client = {
      getList: async (id: string) => (calls.push(`getList ${id}`), { id, name: 'Newsletter' }),
      createProfileImportJob: async () => {
        calls.push('createProfileImportJob');
        throw new Error('must not be called');
      },
    };
    await expect(runPreflight(client, 'Y6nRLr')).resolves.toEqual({ id: 'Y6nRLr', name: 'Newsletter' });
    expect(calls).toEqual(['getList Y6nRLr']);
  });
});
