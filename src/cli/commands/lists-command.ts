import { ExitCode, listLists, type ExitCodeValue } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import {
  clientLogOf,
  connectionValues,
  connectionFromOptions,
  warnOfForeignBaseUrl,
  type ConnectionOptions,
} from '../connection-options.js';
import { clientEventsOf } from '../client-event-log.js';

export interface ListsCommandOptions extends ConnectionOptions {
  name?: string;
  json?: boolean;
}

/** `lists`: the account's lists, every page, so that a user can find the id to push to. */
export async function runLists(context: CliContext, options: ListsCommandOptions): Promise<ExitCodeValue> {
  const connection = connectionValues(warnOfForeignBaseUrl(context, connectionFromOptions(context, options)));
  const requests = clientLogOf(context, options);
  const lists = await listLists({ connection, name: options.name, signal: context.signal, onEvent: clientEventsOf(requests) }).finally(() =>
    requests.close(),
  );
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ lists }, null, 2)}\n`);
    return ExitCode.success;
  }
  if (lists.length === 0) {
    context.stderr.write(options.name === undefined ? 'The account has no list.\n' : `No list name contains "${options.name}".\n`);
    return ExitCode.success;
  }
  const idWidth = Math.max(2, ...lists.map((list) => list.id.length));
  const nameWidth = Math.max(4, ...lists.map((list) => list.name.length));
  const row = (id: string, name: string, created: string) => `${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${created}`.trimEnd();
  const lines = [row('ID', 'NAME', 'CREATED'), ...lists.map((list) => row(list.id, list.name, list.created?.slice(0, 10) ?? ''))];
  context.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.success;
}
