import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_API_KEY_ENV, looksLikePrivateKey, validateConfig } from '../../config/export-config.js';
import { readConfigText, writeConfigJson } from '../../config/read-config.js';
import { Secret } from '../../config/secret.js';
import { ExitCode, ExportError, UsageError, type ExitCodeValue } from '../../errors.js';
import type { KlaviyoList } from '../../klaviyo/klaviyo-client.js';
import { looksLikeEmailColumn } from '../../mapping/find-email-column.js';
import { resolveMapping } from '../../mapping/mapping-spec.js';
import { proposeMapping } from '../../mapping/propose-mapping.js';
import { openSegment } from '../../source/open-segment.js';
import type { CliContext } from '../cli-context.js';
import { configPathOf, type ConfigFileOptions } from '../config-file.js';
import { connectClient, resolveConnection } from '../connection-options.js';
import { CONFIG_SCHEMA_FILE, exportOptionSpecs } from '../export-options.js';
import { PRIVACY_STATEMENT } from '../privacy-statement.js';
import { createTerminalPrompter, type Prompter } from '../terminal-prompter.js';

export interface InitCommandOptions extends ConfigFileOptions {
  baseUrl?: string;
  /** For tests: the acknowledgment's date. */
  now?: () => Date;
}

type JsonObject = Record<string, unknown>;

/**
 * `init`: asks for a connection (its name and the variable holding the key), checks the key by
 * listing the account's lists, asks for agreement to the privacy statement, then for the list,
 * the file, its email column and mapping (proposed from the file's header), and writes the
 * connection and the export into the config file (created, or extended in place).
 */
export async function runInit(context: CliContext, options: InitCommandOptions, prompter?: Prompter): Promise<ExitCodeValue> {
  if (prompter === undefined && !(context.isStdinTerminal && context.isStderrTerminal)) {
    throw new UsageError('`init` asks questions on a terminal; without one, write klaviyo-export.json by hand (see the README).');
  }
  const ask = prompter ?? createTerminalPrompter(context.stdin, context.stderr, context.signal);
  try {
    return await askAndWrite(context, options, ask);
  } finally {
    ask.close();
  }
}

async function askAndWrite(context: CliContext, options: InitCommandOptions, prompter: Prompter): Promise<ExitCodeValue> {
  const say = (text: string) => context.stderr.write(`${text}\n`);
  const path = configPathOf(context, options);
  const directory = dirname(path);
  const specs = exportOptionSpecs();
  const file = await readConfigText(path);
  if (file !== undefined) validateConfig(file.json, path, specs);
  const json: JsonObject = (file?.json as JsonObject | undefined) ?? {};
  const connections = (json.connections ?? {}) as Record<string, JsonObject>;
  const exports = (json.exports ?? {}) as Record<string, JsonObject>;
  say(file === undefined ? `Creating ${path}.` : `Adding an export to ${path}.`);

  const connectionName = await prompter.ask('Connection name', Object.keys(connections)[0] ?? 'main');
  const connection: JsonObject = { ...(connections[connectionName] ?? {}) };
  const apiKeyEnv = await askUntil(
    prompter,
    say,
    'Environment variable that holds the Klaviyo private API key',
    typeof connection.apiKeyEnv === 'string' ? connection.apiKeyEnv : DEFAULT_API_KEY_ENV,
    (answer) => {
      if (looksLikePrivateKey(answer))
        return 'That is a key, not the name of a variable: keys stay out of the file. Enter the variable name.';
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(answer) ? undefined : 'Enter a variable name such as KLAVIYO_API_KEY.';
    },
  );
  const key = context.env.variable(apiKeyEnv);
  if (key === undefined) throw new UsageError(`${apiKeyEnv} is not set: set it to the Klaviyo private API key, then run init again.`);
  const baseUrl = options.baseUrl ?? (connection.baseUrl as string | undefined);

  const client = connectClient(resolveConnection({ ...context, env: { ...context.env, apiKey: new Secret(key) } }, { baseUrl }), {
    signal: context.signal,
  });
  const lists: KlaviyoList[] = [];
  for await (const list of client.listLists()) lists.push(list);
  say(`The key works: the account has ${lists.length} list${lists.length === 1 ? '' : 's'}.`);
  if (lists.length === 0) throw new UsageError('The account has no list: create one in Klaviyo, then run init again.');

  if (connection.privacyAcknowledged === undefined) {
    say(PRIVACY_STATEMENT);
    const agreement = await prompter.ask('Do you agree? (yes/no)', 'no');
    if (!/^y(es)?$/i.test(agreement)) {
      say('Not agreed: nothing was written, and nothing can be sent without the agreement.');
      return ExitCode.notDelivered;
    }
    connection.privacyAcknowledged = (options.now ?? (() => new Date()))().toISOString().slice(0, 10);
  }
  connection.apiKeyEnv = apiKeyEnv;
  if (options.baseUrl !== undefined) connection.baseUrl = options.baseUrl;

  lists.forEach((list, i) => say(`  ${i + 1}. ${list.name} (${list.id})`));
  const listAnswer = await askUntil(prompter, say, 'List (number or id)', '1', (answer) =>
    listOf(lists, answer) ? undefined : `Enter a number from 1 to ${lists.length}, or a list id shown above.`,
  );
  const list = listOf(lists, listAnswer)!;

  let columns: readonly string[] = [];
  const segmentPath = await askUntil(prompter, say, "Segment file (relative to the config file's directory)", undefined, async (answer) => {
    if (answer === '') return 'Enter the path of the CSV, JSON or NDJSON file.';
    try {
      columns = await readColumns(resolve(directory, answer), context.signal);
      return undefined;
    } catch (error) {
      if (error instanceof ExportError) return error.message;
      throw error;
    }
  });
  const emailField = await askUntil(prompter, say, 'Email column', columns.find(looksLikeEmailColumn), (answer) =>
    columns.includes(answer) ? undefined : `Enter one of the columns: ${columns.join(', ')}.`,
  );
  const proposal = proposeMapping(columns.filter((column) => column !== emailField));
  const proposalText = Object.entries(proposal)
    .map(([field, column]) => `${field}=${column}`)
    .join(', ');
  say('Mapping: field=column pairs, comma-separated (fields: first_name, last_name, phone_number, location.city, properties.<name>...).');
  const mappingAnswer = await askUntil(prompter, say, 'Mapping (- for none)', proposalText || '-', (answer) => {
    try {
      resolveMapping(columns, { emailField, maps: mapsOf(answer) }, segmentPath);
      return undefined;
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
  });

  const defaultName = basename(segmentPath, extname(segmentPath)).replace(/[^A-Za-z0-9_.-]/g, '-') || 'export';
  const exportName = await askUntil(prompter, say, 'Export name', defaultName, (answer) =>
    !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(answer)
      ? 'Use letters, digits, "-", "_" and "." only.'
      : exports[answer] !== undefined
        ? `The file already has an export named "${answer}"; choose another name.`
        : undefined,
  );

  const map = Object.fromEntries(
    mapsOf(mappingAnswer).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const entry: JsonObject = {
    connection: connectionName,
    list: list.id,
    file: isAbsolute(segmentPath) ? segmentPath : relative(directory, resolve(directory, segmentPath)),
    emailField,
    ...(Object.keys(map).length > 0 ? { map } : {}),
  };
  const schemaPath = relative(directory, CONFIG_SCHEMA_FILE);
  const updated: JsonObject = {
    ...(file === undefined && schemaPath.includes('node_modules') ? { $schema: schemaPath } : {}),
    ...json,
    connections: { ...connections, [connectionName]: connection },
    exports: { ...exports, [exportName]: entry },
  };
  validateConfig(updated, path, specs);
  await writeConfigJson(path, updated, file?.text);
  say(`Saved export "${exportName}" (list "${list.name}") in ${path}. Run it with: klaviyo-export run ${exportName}`);
  return ExitCode.success;
}

/** Asks again until `check` accepts the answer (it returns what is wrong, or undefined). */
async function askUntil(
  prompter: Prompter,
  say: (text: string) => void,
  question: string,
  defaultAnswer: string | undefined,
  check: (answer: string) => string | undefined | Promise<string | undefined>,
): Promise<string> {
  for (;;) {
    const answer = await prompter.ask(question, defaultAnswer);
    const problem = await check(answer);
    if (problem === undefined) return answer;
    say(problem);
  }
}

function listOf(lists: readonly KlaviyoList[], answer: string): KlaviyoList | undefined {
  const index = /^\d+$/.test(answer) ? Number(answer) - 1 : -1;
  return lists[index] ?? lists.find((list) => list.id === answer);
}

function mapsOf(answer: string): string[] {
  if (answer.trim() === '-') return [];
  return answer
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '');
}

/** The header (CSV) or the first object's keys (JSON, NDJSON); the rest of the file is not read. */
async function readColumns(path: string, signal: AbortSignal): Promise<readonly string[]> {
  const segment = await openSegment({ input: path, signal });
  for await (const _record of segment.records) break;
  return segment.columns;
}
