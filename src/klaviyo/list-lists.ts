import type { ClientEvent, KlaviyoList } from './klaviyo-client.js';
import { connectKlaviyo, type KlaviyoConnection } from './connection.js';

export interface ListListsRequest {
  readonly connection: KlaviyoConnection;
  /** Only lists whose name contains this text (case-insensitive). */
  readonly name?: string;
  readonly signal?: AbortSignal;
  /** The client's requests, waits and retries, as they happen. */
  readonly onEvent?: (event: ClientEvent) => void;
}

/** The account's lists (every page), so that a user can find the id to push to. */
export async function listLists(request: ListListsRequest): Promise<KlaviyoList[]> {
  const client = connectKlaviyo(request.connection, { signal: request.signal, ...(request.onEvent ? { onEvent: request.onEvent } : {}) });
  const wanted = request.name?.toLowerCase();
  const lists: KlaviyoList[] = [];
  for await (const list of client.listLists()) {
    if (wanted === undefined || list.name.toLowerCase().includes(wanted)) lists.push(list);
  }
  return lists;
}
