import { DEFAULT_BASE_URL, validateBaseUrl } from '../config/base-url.js';
import { Secret } from '../config/secret.js';
import { UsageError } from '../errors.js';
import { createKlaviyoClient, KLAVIYO_REVISION, type KlaviyoClient, type KlaviyoClientOptions } from './klaviyo-client.js';
import { USER_AGENT } from '../version.js';

/** How to reach Klaviyo: given as values (nothing here reads the environment). */
export interface KlaviyoConnection {
  /** A Klaviyo private API key. */
  readonly apiKey: string | Secret;
  /** Default https://a.klaviyo.com; plain http:// only for loopback hosts (the sandbox). */
  readonly baseUrl?: string;
  /** The `revision` header; default the revision this version was written against. */
  readonly revision?: string;
}

export interface ResolvedConnection {
  readonly apiKey: Secret;
  readonly baseUrl: string;
  readonly revision: string;
}

/** Checks a connection before anything is read or sent; throws UsageError (exit 2) when it cannot work. */
export function resolveConnection(connection: KlaviyoConnection): ResolvedConnection {
  // Typed as required, but JavaScript callers pass `process.env.X`, which may be undefined.
  const given: unknown = connection.apiKey;
  const apiKey = given instanceof Secret ? given : new Secret(typeof given === 'string' ? given.trim() : '');
  if (apiKey.reveal() === '') throw new UsageError('No API key: give a Klaviyo private API key.');
  const revision = connection.revision ?? KLAVIYO_REVISION;
  if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(revision)) {
    throw new UsageError(`The revision "${revision}" is not a date such as ${KLAVIYO_REVISION}.`);
  }
  return { apiKey, baseUrl: validateBaseUrl(connection.baseUrl ?? DEFAULT_BASE_URL), revision };
}

export function connectKlaviyo(
  connection: KlaviyoConnection,
  extra: Omit<KlaviyoClientOptions, 'baseUrl' | 'apiKey' | 'revision' | 'userAgent'> = {},
): KlaviyoClient {
  return createKlaviyoClient({ ...resolveConnection(connection), userAgent: USER_AGENT, ...extra });
}
