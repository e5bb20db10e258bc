import type { KlaviyoClient, KlaviyoList } from '../../klaviyo/klaviyo-client.js';

/**
 * Before any profile is sent: the key works and the list exists (`GET /api/lists/{id}`). Throws
 * AuthError (exit 3) otherwise. Write permission is not probed: no documented request proves it
 * without writing, and a request the spec refuses is never sent to find out. The first upload
 * proves it: a key without `lists:write profiles:write` meets a `permission_denied` 403 there, sent
 * alone before any other upload, and the run stops with exit 3 and nothing written.
 */
export async function runPreflight(client: Pick<KlaviyoClient, 'getList'>, listId: string): Promise<KlaviyoList> {
  return client.getList(listId);
}
