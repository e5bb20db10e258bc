import { describe, expect, it } from 'vitest';
import { AuthError, KlaviyoApiError } from '../errors.js';
import { runPreflight, SCOPE_PROBE_BODY } from './preflight.js';

const list = { id: 'Y6nRLr', name: 'Newsletter' };

function clientAnswering(probe: () => Promise<unknown>) {
  const bodies: string[] = [];
  return {
    bodies,
    client: {
      getList: async (id: string) => ({ ...list, id }),
      createProfileImportJob: async (body: string) => {
        bodies.push(body);
        return probe() as never;
      },
    },
  };
}

describe('runPreflight', () => {
  it('reads the list and probes the import scope with a request Klaviyo must refuse', async () => {
    const { client, bodies } = clientAnswering(async () => ({ kind: 'invalid', errors: [] }));
    await expect(runPreflight(client, 'Y6nRLr')).resolves.toEqual(list);
    expect(bodies).toEqual([SCOPE_PROBE_BODY]);
    expect(JSON.parse(SCOPE_PROBE_BODY).data.attributes.profiles).toBeUndefined();
  });

  it('stops the run when the key lacks the import scopes', async () => {
    const { client } = clientAnswering(async () => {
      throw new AuthError('Klaviyo refused importing profiles (403): the API key lacks the scopes lists:write, profiles:write.');
    });
    await expect(runPreflight(client, 'Y6nRLr')).rejects.toBeInstanceOf(AuthError);
  });

  it('goes on when the probe meets an answer that says nothing about scopes', async () => {
    const { client } = clientAnswering(async () => {
      throw new KlaviyoApiError('Klaviyo failed importing profiles: 422.', 422);
    });
    await expect(runPreflight(client, 'Y6nRLr')).resolves.toEqual(list);
  });
});
