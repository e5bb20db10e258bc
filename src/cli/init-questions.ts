import { DEFAULT_API_KEY_ENV } from '../config/export-config.js';
import {
  checkExportName,
  checkVariableName,
  defaultExportName,
  mapText,
  NO_ANSWER,
  parseMapAnswer,
  type InitAnswers,
} from '../config/init-export.js';
import { ExportError, UsageError } from '../errors.js';
import { looksLikeEmailColumn } from '../mapping/find-email-column.js';
import type { CliContext } from './cli-context.js';
import type { InitFlags } from './init-flags.js';
import {
  checkInitMapping,
  configRelativePath,
  findList,
  listAccountLists,
  matchInitColumn,
  proposeInitMapping,
  readInitColumns,
  todayOf,
  type InitConfig,
} from './init-setup.js';
import { PRIVACY_STATEMENT } from './privacy-statement.js';
import type { Prompter } from './terminal-prompter.js';

/**
 * `init` on a terminal, step by step: the connection, the key (checked by listing the lists), the
 * privacy statement, the list, the file, its email column and mapping (proposed as a push would
 * map it), the default country when phones are mapped, the export's name, its rejects file and
 * report. Flags given answer nothing here but become the defaults offered. Undefined: the privacy
 * statement was not agreed to (nothing is written).
 */
export async function askInitAnswers(
  context: CliContext,
  config: InitConfig,
  prompter: Prompter,
  flags: InitFlags,
): Promise<InitAnswers | undefined> {
  const say = (text: string) => context.stderr.write(`${text}\n`);
  const ask = (
    question: string,
    defaultAnswer: string | undefined,
    check: (answer: string) => Promise<string | undefined> | string | undefined,
  ) => askUntil(prompter, say, question, defaultAnswer, check);
  say(config.json === undefined ? `Creating ${config.path}.` : `Adding an export to ${config.path}.`);

  const connectionName = await prompter.ask('Connection name', flags.connection ?? Object.keys(config.connections)[0] ?? 'main');
  const existing = config.connections[connectionName] ?? {};
  const savedKeyEnv = typeof existing.apiKeyEnv === 'string' ? existing.apiKeyEnv : undefined;
  const apiKeyEnv = await ask(
    'Environment variable that holds the Klaviyo private API key',
    flags.apiKeyEnv ?? savedKeyEnv ?? DEFAULT_API_KEY_ENV,
    checkVariableName,
  );
  const account = await listAccountLists(context, apiKeyEnv, flags.baseUrl ?? (existing.baseUrl as string | undefined));
  const lists = account.lists;
  say(`The key works: the account has ${lists.length} list${lists.length === 1 ? '' : 's'}.`);
  if (account.baseUrl !== undefined) say(`The connection will keep the base URL ${account.baseUrl}.`);

  let privacyAcknowledged: string | undefined;
  if (existing.privacyAcknowledged === undefined) {
    say(PRIVACY_STATEMENT);
    if (!/^y(es)?$/i.test(await prompter.ask('Do you agree? (yes/no)', 'no'))) {
      say('Not agreed: nothing was written, and nothing can be sent without the agreement.');
      return undefined;
    }
    privacyAcknowledged = todayOf(flags.now);
  }

  lists.forEach((list, i) => say(`  ${i + 1}. ${list.name} (${list.id})`));
  const listAnswer = await ask('List (number, id or name)', flags.list ?? '1', (answer) =>
    findList(lists, answer) ? undefined : `Enter a number from 1 to ${lists.length}, or a list id or name shown above.`,
  );
  const list = findList(lists, listAnswer)!;

  let columns: readonly string[] = [];
  const file = await ask("Segment file (relative to the config file's directory)", flags.file, async (answer) => {
    if (answer === '') return 'Enter the path of the CSV, JSON or NDJSON file.';
    try {
      columns = await readInitColumns(config, answer, context.signal);
      return undefined;
    } catch (error) {
      if (error instanceof ExportError) return error.message;
      throw error;
    }
  });
  const emailAnswer = await ask('Email column', flags.emailField ?? columns.find(looksLikeEmailColumn), (answer) =>
    matchInitColumn(columns, answer) ? undefined : `Enter one of the columns: ${columns.join(', ')}.`,
  );
  const emailField = matchInitColumn(columns, emailAnswer)!;

  say('Mapping: field=column pairs, comma-separated (fields: first_name, last_name, phone_number, location.city, properties.<name>...).');
  const proposal = flags.map?.join(', ') ?? (mapText(proposeInitMapping(columns, emailField)) || NO_ANSWER);
  let mapping: ReturnType<typeof checkInitMapping> = { map: {}, propertyColumns: [], mapsKnownColumns: true };
  await ask(`Mapping (${NO_ANSWER} for none)`, proposal, (answer) => {
    try {
      mapping = checkInitMapping(columns, { emailField, maps: parseMapAnswer(answer) }, file);
      return undefined;
    } catch (error) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
  });

  let sendsProperties = flags.properties !== false;
  if (mapping.propertyColumns.length > 0) {
    const question = `Send the other columns as custom properties (${mapping.propertyColumns.join(', ')})? (yes/no)`;
    sendsProperties = /^y(es)?$/i.test(await prompter.ask(question, sendsProperties ? 'yes' : 'no'));
  }
  let defaultCountry = flags.defaultCountry;
  if (mapping.map.phone_number !== undefined) {
    say('Phone numbers written without +country need a default country (ISO code such as US, GB, DE); without one they are left out.');
    const answer = await ask(`Default country (${NO_ANSWER} for none)`, defaultCountry ?? NO_ANSWER, (text) => {
      if (text === NO_ANSWER) return undefined;
      try {
        checkInitMapping(columns, { emailField, maps: [], defaultCountry: text }, file);
        return undefined;
      } catch (error) {
        if (error instanceof UsageError) return error.message;
        throw error;
      }
    });
    defaultCountry = answer === NO_ANSWER ? undefined : answer.toUpperCase();
  }

  const exportName = await ask('Export name', flags.name ?? defaultExportName(file), (answer) => checkExportName(answer, config.exports));
  const rejects = await prompter.ask(
    `Rejects file: every row not delivered, with its line and reason (${NO_ANSWER} for none)`,
    flags.rejects ?? `${exportName}-rejects.csv`,
  );
  const report = await prompter.ask(
    `Report file: the run's counts as JSON (${NO_ANSWER} for none)`,
    flags.report ?? `${exportName}-report.json`,
  );
  return {
    connectionName,
    apiKeyEnv,
    baseUrl: account.baseUrl,
    privacyAcknowledged,
    exportName,
    listId: list.id,
    file: configRelativePath(config, file),
    emailField,
    map: mapping.map,
    mapsKnownColumns: mapping.mapsKnownColumns,
    defaultCountry,
    sendsProperties,
    rejects: rejects === NO_ANSWER ? undefined : rejects,
    report: report === NO_ANSWER ? undefined : report,
  };
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
