import { UsageError } from '../errors.js';

export const DEFAULT_BASE_URL = 'https://a.klaviyo.com';

/**
 * The API key travels in a header, so plain http is refused except on loopback, where tests and the
 * sandbox listen.
 */
export function validateBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`The base URL "${raw}" is not a valid URL.`);
  }
  if (url.username || url.password) {
    throw new UsageError('The base URL must not contain a user name or password.');
  }
  if (url.protocol === 'https:') return stripTrailingSlash(url);
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return stripTrailingSlash(url);
  if (url.protocol === 'http:') {
    throw new UsageError(
      `The base URL ${url.origin} uses plain http, which would send the API key unencrypted; use https (plain http is allowed only for loopback hosts).`,
    );
  }
  throw new UsageError(`The base URL must start with https:// (got ${url.protocol}).`);
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function stripTrailingSlash(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where a run's base URL came from, in the order that wins. */
export type BaseUrlSource = '--base-url' | 'config' | 'environment' | '.env' | 'default';

const SOURCE_NAMES: Record<BaseUrlSource, string> = {
  '--base-url': 'the --base-url option',
  config: "the connection's baseUrl in the config file",
  environment: 'KLAVIYO_BASE_URL in the environment',
  '.env': 'KLAVIYO_BASE_URL in the .env file of the working directory',
  default: 'the default',
};

/**
 * One sentence naming a base URL that is not Klaviyo's, and where it came from; undefined for
 * Klaviyo's own. Said on every run, so that a stray `.env` (in a cron job's directory, say) cannot
 * silently send the key and every profile elsewhere.
 */
export function describeForeignBaseUrl(baseUrl: string, source: BaseUrlSource, origin?: string): string | undefined {
  if (baseUrl === DEFAULT_BASE_URL) return undefined;
  return `Sending the API key and every request to ${baseUrl}, not Klaviyo's ${DEFAULT_BASE_URL} (set by ${origin ?? SOURCE_NAMES[source]}).`;
}
