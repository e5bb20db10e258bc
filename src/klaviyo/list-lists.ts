import type { KlaviyoList } from './klaviyo-client.js';
import { connectKlaviyo, type KlaviyoConnection } from './connection.js';

export interface ListListsRequest {
  readonly connection: KlaviyoConnection;
  /** Only lists whose name contains this text (case-insensitive). */
  readonly name?: string;
  readonly signal?: AbortSignal;
}

/** The account's lists (every page), so that a user can find the id to push to. */
export async function listLists(request: ListListsRequest): Promise<KlaviyoList[]> {
  const client = connectKlaviyo(request.connection, { signal: request.signal });
  const wanted = request.name?.toLowerCase();
  const lists: KlaviyoList[] = [];
  for await (const list of client.listLists()) {
    if (wanted === undefined || list.name.toLowerCase().includes(wanted)) lists.push(list);
  }
  return lists;
}
