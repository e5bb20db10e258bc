import type { Command } from 'commander';
import { DEFAULT_BASE_URL, validateBaseUrl } from '../config/base-url.js';
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
  return { apiKey, baseUrl: validateBaseUrl(options.baseUrl ?? context.env.baseUrl ?? DEFAULT_BASE_URL), revision };
}

export function connectClient(
  connection: Connection,
  extra: Omit<KlaviyoClientOptions, 'baseUrl' | 'apiKey' | 'revision' | 'userAgent'> = {},
): KlaviyoClient {
  return createKlaviyoClient({ ...connection, userAgent: USER_AGENT, ...extra });
}
