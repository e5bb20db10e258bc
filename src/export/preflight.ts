import { AuthError } from '../errors.js';
import type { KlaviyoClient, KlaviyoList } from '../klaviyo/klaviyo-client.js';

/**
 * A bulk-import request Klaviyo must refuse (it has no `profiles`): Klaviyo checks the key's scopes
 * before the body, so a 400 proves the key may import and adds nothing to any list, while a 403
 * names the missing scopes before a single profile is sent.
 */
export const SCOPE_PROBE_BODY = '{"data":{"type":"profile-bulk-import-job","attributes":{}}}';

/**
 * Before any profile is sent: the key works, the list exists, and the key may import profiles into
 * lists. Throws AuthError (exit 3) otherwise.
 */
export async function runPreflight(
  client: Pick<KlaviyoClient, 'getList' | 'createProfileImportJob'>,
  listId: string,
): Promise<KlaviyoList> {
  const list = await client.getList(listId);
  try {
    await client.createProfileImportJob(SCOPE_PROBE_BODY);
  } catch (error) {
    // Only a refused key or scope is an answer here; anything else the first real request will meet.
    if (error instanceof AuthError) throw error;
  }
  return list;
}
