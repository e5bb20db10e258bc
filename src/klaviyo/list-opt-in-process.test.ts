import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, createTestClient } from './klaviyo-client.test-support.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("getList reads the list's opt-in process (double opt-in sends confirmation emails)", () => {
  it.each([
    ['double_opt_in', { optInProcess: 'double_opt_in' }],
    ['single_opt_in', { optInProcess: 'single_opt_in' }],
    [null, {}],
    ['something_new', {}],
  ])('%j', async (optInProcess, expected) => {
    nock(BASE_URL)
      .get('/api/lists/Xy12')
      .reply(200, { data: { type: 'list', id: 'Xy12', attributes: { name: 'Newsletter', created: null, opt_in_process: optInProcess } } });

    await expect(createTestClient().client.getList('Xy12')).resolves.toEqual({ id: 'Xy12', name: 'Newsletter', ...expected });
  });
});
