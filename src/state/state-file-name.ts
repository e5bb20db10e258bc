import { createHash } from 'node:crypto';
import { join } from 'node:path';

const SAFE_LIST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `<stateDir>/push-<listId><suffix>`. Klaviyo list ids are short and alphanumeric; any other id is
 * made safe for a file name and given a short hash so that two ids never share a file.
 */
export function stateFilePath(stateDir: string, listId: string, suffix: string): string {
  return join(stateDir, `push-${fileNamePartOf(listId)}${suffix}`);
}

/** Where a push to this list stages its request bodies (personal data: emptied at the start and end of each run). */
export function stagingDirectory(stateDir: string, listId: string): string {
  return stateFilePath(stateDir, listId, '.staging');
}

function fileNamePartOf(listId: string): string {
  if (SAFE_LIST_ID.test(listId)) return listId;
  const readable = listId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(listId).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}
