import type { Command } from 'commander';
import { DEFAULT_BASE_URL, describeForeignBaseUrl, validateBaseUrl, type BaseUrlSource } from '../config/base-url.js';
import { Secret } from '../config/secret.js';
import { UsageError } from '../errors.js';
import { createKlaviyoClient, KLAVIYO_REVISION, type KlaviyoClient, type KlaviyoClientOptions } from '../klaviyo/klaviyo-client.js';
import type { CliContext } from './cli-context.js';
import { USER_AGENT } from './version.js';

export interface ConnectionOptions {
  apiKey?: string;
  baseUrl?: string;
  revision?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'Klaviyo private API key (prefer KLAVIYO_API_KEY: an option shows in the process list)')
    .option('--base-url <url>', `API base URL (default: KLAVIYO_BASE_URL or ${DEFAULT_BASE_URL})`)
    .option('--revision <date>', `API revision header (default: KLAVIYO_REVISION or ${KLAVIYO_REVISION})`);
}

export interface Connection {
  apiKey: Secret;
  baseUrl: string;
  revision: string;
  /** Where baseUrl came from: named on every run when it is not Klaviyo's. */
  baseUrlSource?: BaseUrlSource;
}

export function resolveConnection(context: CliContext, options: ConnectionOptions): Connection {
  const apiKey = options.apiKey !== undefined ? new Secret(options.apiKey.trim()) : context.env.apiKey;
  if (!apiKey || apiKey.reveal() === '') {
    throw new UsageError('No API key: set KLAVIYO_API_KEY (in the environment or a .env file) to a Klaviyo private API key.');
  }
  const revision = options.revision ?? context.env.revision ?? KLAVIYO_REVISION;
  if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(revision)) {
    throw new UsageError(`The revision "${revision}" is not a date such as ${KLAVIYO_REVISION}.`);
  }
  const baseUrlSource: BaseUrlSource =
    options.baseUrl !== undefined
      ? '--base-url'
      : context.env.baseUrl !== undefined
        ? (context.env.baseUrlSource ?? 'environment')
        : 'default';
  return { apiKey, baseUrl: validateBaseUrl(options.baseUrl ?? context.env.baseUrl ?? DEFAULT_BASE_URL), revision, baseUrlSource };
}

/** The sentence naming a base URL that is not Klaviyo's (see describeForeignBaseUrl), if any. */
export function foreignBaseUrlNotice(connection: Connection): string | undefined {
  return describeForeignBaseUrl(connection.baseUrl, connection.baseUrlSource ?? 'default');
}

/** For commands without a run log (lists, check): the notice as a warning line on stderr. */
export function warnOfForeignBaseUrl(context: CliContext, connection: Connection): Connection {
  const notice = foreignBaseUrlNotice(connection);
  if (notice !== undefined) context.stderr.write(`warning: ${notice}\n`);
  return connection;
}

export function connectClient(
  connection: Connection,
  extra: Omit<KlaviyoClientOptions, 'baseUrl' | 'apiKey' | 'revision' | 'userAgent'> = {},
): KlaviyoClient {
  const { baseUrlSource: _source, ...settings } = connection;
  return createKlaviyoClient({ ...settings, userAgent: USER_AGENT, ...extra });
}
