import type { Command } from 'commander';
import { DEFAULT_BASE_URL } from '../config/base-url.js';
import { Secret } from '../config/secret.js';
import { UsageError } from '../errors.js';
import { connectKlaviyo, resolveConnection as resolveKlaviyoConnection, type ResolvedConnection } from '../export/connection.js';
import { KLAVIYO_REVISION, type KlaviyoClient, type KlaviyoClientOptions } from '../klaviyo/klaviyo-client.js';
import type { CliContext } from './cli-context.js';

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

export type Connection = ResolvedConnection;

/** The options, else the environment; checked before anything else happens. */
export function resolveConnection(context: CliContext, options: ConnectionOptions): Connection {
  const apiKey = options.apiKey !== undefined ? new Secret(options.apiKey.trim()) : context.env.apiKey;
  if (!apiKey || apiKey.reveal() === '') {
    throw new UsageError('No API key: set KLAVIYO_API_KEY (in the environment or a .env file) to a Klaviyo private API key.');
  }
  return resolveKlaviyoConnection({
    apiKey,
    baseUrl: options.baseUrl ?? context.env.baseUrl,
    revision: options.revision ?? context.env.revision,
  });
}

export function connectClient(
  connection: Connection,
  extra: Omit<KlaviyoClientOptions, 'baseUrl' | 'apiKey' | 'revision' | 'userAgent'> = {},
): KlaviyoClient {
  return connectKlaviyo(connection, extra);
}
