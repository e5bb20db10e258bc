import { ExitCode, type ExitCodeValue } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { connectClient, resolveConnection, warnOfForeignBaseUrl, type ConnectionOptions } from '../connection-options.js';

export interface ListsCommandOptions extends ConnectionOptions {
  name?: string;
  json?: boolean;
}

/** `lists`: the account's lists, every page, so that a user can find the id to push to. */
export async function runLists(context: CliContext, options: ListsCommandOptions): Promise<ExitCodeValue> {
  const client = connectClient(warnOfForeignBaseUrl(context, resolveConnection(context, options)), { signal: context.signal });
  const wanted = options.name?.toLowerCase();
  const lists: { id: string; name: string; created?: string }[] = [];
  for await (const list of client.listLists()) {
    if (wanted === undefined || list.name.toLowerCase().includes(wanted)) lists.push(list);
  }
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ lists }, null, 2)}\n`);
    return ExitCode.success;
  }
  if (lists.length === 0) {
    context.stderr.write(wanted === undefined ? 'The account has no list.\n' : `No list name contains "${options.name}".\n`);
    return ExitCode.success;
  }
  const idWidth = Math.max(2, ...lists.map((list) => list.id.length));
  const nameWidth = Math.max(4, ...lists.map((list) => list.name.length));
  const row = (id: string, name: string, created: string) => `${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${created}`.trimEnd();
  const lines = [row('ID', 'NAME', 'CREATED'), ...lists.map((list) => row(list.id, list.name, list.created?.slice(0, 10) ?? ''))];
  context.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.success;
}
