import type { Command } from 'commander';
import { DEFAULT_BASE_URL, describeForeignBaseUrl, type BaseUrlSource } from '../config/base-url.js';
import { Secret } from '../config/secret.js';
import { UsageError } from '../errors.js';
import { connectKlaviyo, resolveConnection, type ResolvedConnection } from '../klaviyo/connection.js';
import { KLAVIYO_REVISION, type KlaviyoClient, type KlaviyoClientOptions } from '../klaviyo/klaviyo-client.js';
import type { CliContext } from './cli-context.js';
import { ClientEventLog } from './client-event-log.js';
import { RunLog } from './run-log.js';

export interface ConnectionOptions {
  apiKey?: string;
  baseUrl?: string;
  revision?: string;
  /** --verbose: every request, wait and retry on stderr. */
  verbose?: boolean;
  /** Set when `baseUrl` comes from a saved connection, not the command line: how to name it, e.g. `the baseUrl of connection "main" in ./klaviyo-export.json`. */
  baseUrlOrigin?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'Klaviyo private API key (prefer KLAVIYO_API_KEY: an option shows in the process list)')
    .option('--base-url <url>', `API base URL (default: KLAVIYO_BASE_URL or ${DEFAULT_BASE_URL})`)
    .option('--revision <date>', `API revision header (default: KLAVIYO_REVISION or ${KLAVIYO_REVISION})`)
    .option('--verbose', 'print every request, wait and retry on stderr (waits of a few seconds are always told)');
}

/** The client's events on stderr, for commands without a run log of their own (verify, lists, check). */
export function clientLogOf(context: CliContext, options: ConnectionOptions & { quiet?: boolean }): ClientEventLog {
  const log = new RunLog({
    stderr: context.stderr,
    format: 'text',
    isTerminal: context.isStderrTerminal,
    noColor: context.env.noColor,
    quiet: Boolean(options.quiet),
    verbose: options.verbose,
  });
  return new ClientEventLog(log, { verbose: Boolean(options.verbose) });
}

export interface Connection extends ResolvedConnection {
  /** Where baseUrl came from: named on every run when it is not Klaviyo's. */
  readonly baseUrlSource?: BaseUrlSource;
  /** With source `config`: which connection in which file. */
  readonly baseUrlOrigin?: string;
}

/** The options, else the environment; checked before anything else happens. */
export function connectionFromOptions(context: CliContext, options: ConnectionOptions): Connection {
  const apiKey = options.apiKey !== undefined ? new Secret(options.apiKey.trim()) : context.env.apiKey;
  if (!apiKey || apiKey.reveal() === '') {
    throw new UsageError('No API key: set KLAVIYO_API_KEY (in the environment or a .env file) to a Klaviyo private API key.');
  }
  const baseUrlSource: BaseUrlSource =
    options.baseUrl !== undefined
      ? options.baseUrlOrigin !== undefined
        ? 'config'
        : '--base-url'
      : context.env.baseUrl !== undefined
        ? (context.env.baseUrlSource ?? 'environment')
        : 'default';
  const resolved = resolveConnection({
    apiKey,
    baseUrl: options.baseUrl ?? context.env.baseUrl,
    revision: options.revision ?? context.env.revision,
  });
  return baseUrlSource === 'config' ? { ...resolved, baseUrlSource, baseUrlOrigin: options.baseUrlOrigin } : { ...resolved, baseUrlSource };
}

/** The sentence naming a base URL that is not Klaviyo's (see describeForeignBaseUrl), if any. */
export function foreignBaseUrlNotice(connection: Connection): string | undefined {
  return describeForeignBaseUrl(connection.baseUrl, connection.baseUrlSource ?? 'default', connection.baseUrlOrigin);
}

/** For commands without a run log (lists, check): the notice as a warning line on stderr. */
export function warnOfForeignBaseUrl(context: CliContext, connection: Connection): Connection {
  const notice = foreignBaseUrlNotice(connection);
  if (notice !== undefined) context.stderr.write(`warning: ${notice}\n`);
  return connection;
}

/** The library's connection: the values only (where the URL came from stays with the CLI). */
export function connectionValues(connection: Connection): ResolvedConnection {
  const { baseUrlSource: _source, baseUrlOrigin: _origin, ...values } = connection;
  return values;
}

export function connectClient(
  connection: Connection,
  extra: Omit<KlaviyoClientOptions, 'baseUrl' | 'apiKey' | 'revision' | 'userAgent'> = {},
): KlaviyoClient {
  return connectKlaviyo(connectionValues(connection), extra);
}
