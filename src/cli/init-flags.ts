import { Option, type Command } from 'commander';
import { DEFAULT_API_KEY_ENV } from '../config/export-config.js';
import { checkExportName, checkVariableName, defaultExportName, type InitAnswers } from '../config/init-export.js';
import { UsageError } from '../errors.js';
import { looksLikeEmailColumn } from '../mapping/find-email-column.js';
import type { CliContext } from './cli-context.js';
import { addConfigOption, type ConfigFileOptions } from './config-file.js';
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
import { collect } from './option-parsers.js';
import { PRIVACY_STATEMENT } from './privacy-statement.js';

/** `init`'s flags: with --yes they are the answers; on a terminal without it, the defaults offered. */
export interface InitFlags extends ConfigFileOptions {
  yes?: boolean;
  baseUrl?: string;
  connection?: string;
  apiKeyEnv?: string;
  list?: string;
  file?: string;
  emailField?: string;
  map?: string[];
  defaultCountry?: string;
  /** false with --no-properties. */
  properties?: boolean;
  rejects?: string;
  report?: string;
  name?: string;
  acknowledgePrivacy?: boolean;
  /** For tests: the acknowledgment's date. */
  now?: () => Date;
}

export function defineInitCommand(command: Command): Command {
  return addConfigOption(
    command
      .description('set up a connection and an export in the config file: step by step on a terminal, or from flags with --yes')
      .option('-y, --yes', 'ask nothing: take the answers from the flags below (needs --list and --file)')
      .option('--base-url <url>', 'API base URL for the connection (e.g. the sandbox); saved with it')
      .option('--connection <name>', 'the connection to add or reuse (default: the first in the file, else main)')
      .option('--api-key-env <name>', `the environment variable holding the API key (default ${DEFAULT_API_KEY_ENV})`)
      .option('--list <id|name>', 'the Klaviyo list: its id or its name')
      .option('--file <path>', "the segment file, relative to the config file's directory")
      .option('--email-field <column>', 'the email column (default: the one named like "email")')
      .addOption(
        new Option('--map <field=column>', 'map a column to a Klaviyo field (repeatable; default: as push maps by name)').argParser(
          collect,
        ),
      )
      .option('--default-country <code>', 'ISO country for phone numbers written without +country, e.g. US')
      .option('--no-properties', 'do not send the other columns as custom properties')
      .option('--rejects <file.csv>', 'the export writes every row not delivered here')
      .option('--report <file.json>', "the export writes the run's report here")
      .option('--name <export>', "the export's name (default: from the file's name)")
      .option('--acknowledge-privacy', 'agree to the data privacy statement (required with --yes for a new connection)'),
  );
}

/** `init --yes`: the same answers the questions would give, from flags; anything missing or wrong is exit 2. */
export async function answersFromFlags(context: CliContext, config: InitConfig, flags: InitFlags): Promise<InitAnswers> {
  const say = (text: string) => context.stderr.write(`${text}\n`);
  if (flags.list === undefined || flags.file === undefined) throw new UsageError('init --yes needs --list <id|name> and --file <path>.');
  const connectionName = flags.connection ?? Object.keys(config.connections)[0] ?? 'main';
  const existing = config.connections[connectionName] ?? {};
  const apiKeyEnv = flags.apiKeyEnv ?? (typeof existing.apiKeyEnv === 'string' ? existing.apiKeyEnv : DEFAULT_API_KEY_ENV);
  const variableProblem = checkVariableName(apiKeyEnv);
  if (variableProblem !== undefined) throw new UsageError(`--api-key-env: ${variableProblem}`);
  if (existing.privacyAcknowledged === undefined && !flags.acknowledgePrivacy) {
    throw new UsageError(
      `${PRIVACY_STATEMENT}\nNothing was written: pass --acknowledge-privacy to agree for connection "${connectionName}".`,
    );
  }
  const account = await listAccountLists(context, apiKeyEnv, flags.baseUrl ?? (existing.baseUrl as string | undefined));
  const list = findList(account.lists, flags.list);
  if (list === undefined) {
    const known = account.lists.map((candidate) => `${candidate.name} (${candidate.id})`).join(', ');
    throw new UsageError(`--list ${flags.list}: no such list in the account; its lists: ${known}.`);
  }
  const columns = await readInitColumns(config, flags.file, context.signal);
  const emailAnswer = flags.emailField ?? columns.find(looksLikeEmailColumn);
  const emailField = emailAnswer === undefined ? undefined : matchInitColumn(columns, emailAnswer);
  if (emailField === undefined) throw new UsageError(`--email-field: name the email column, one of: ${columns.join(', ')}.`);
  const maps = flags.map ?? Object.entries(proposeInitMapping(columns, emailField)).map(([field, column]) => `${field}=${column}`);
  const mapping = checkInitMapping(columns, { emailField, maps, defaultCountry: flags.defaultCountry }, flags.file);
  if (mapping.map.phone_number !== undefined && flags.defaultCountry === undefined) {
    say('warning: phone numbers written without +country are left out of their profiles: pass --default-country to place them.');
  }
  const exportName = flags.name ?? defaultExportName(flags.file);
  const nameProblem = checkExportName(exportName, config.exports);
  if (nameProblem !== undefined) throw new UsageError(`--name ${exportName}: ${nameProblem}`);
  return {
    connectionName,
    apiKeyEnv,
    baseUrl: account.baseUrl,
    privacyAcknowledged: existing.privacyAcknowledged === undefined ? todayOf(flags.now) : undefined,
    exportName,
    listId: list.id,
    file: configRelativePath(config, flags.file),
    emailField,
    map: mapping.map,
    mapsKnownColumns: mapping.mapsKnownColumns,
    defaultCountry: flags.defaultCountry?.toUpperCase(),
    sendsProperties: flags.properties !== false,
    rejects: flags.rejects,
    report: flags.report,
  };
}
