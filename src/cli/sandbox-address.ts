import { isLoopbackHost } from '../config/base-url.js';

export interface SandboxAddress {
  /** The base URL to give klaviyo-export on this machine (one it accepts: loopback, plain http). */
  readonly baseUrl: string;
  /** Sentences to print under it, when the address the sandbox listens on is not that URL. */
  readonly notes: readonly string[];
}

const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);

/**
 * klaviyo-export sends its key over plain http to loopback hosts only (validateBaseUrl). A sandbox
 * listening on every address (`--host 0.0.0.0`) is reached on this machine through 127.0.0.1; one
 * listening on another address is refused over plain http, so it is reached through a tunnel.
 */
export function describeSandboxAddress(listeningUrl: string): SandboxAddress {
  const url = new URL(listeningUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackUrl = `http://127.0.0.1:${url.port}`;
  if (WILDCARD_HOSTS.has(host)) {
    const here = `Listening on every address of this machine; on this machine use ${loopbackUrl}.`;
    return { baseUrl: loopbackUrl, notes: [here, `From another machine, ${tunnelTo('127.0.0.1', url.port, loopbackUrl)}`] };
  }
  if (isLoopbackHost(host)) return { baseUrl: `${url.protocol}//${url.host}`, notes: [] };
  const refused = `${url.host} is not a loopback address: klaviyo-export refuses to send an API key to it over plain http.`;
  return { baseUrl: loopbackUrl, notes: [refused, capitalize(tunnelTo(url.hostname, url.port, loopbackUrl))] };
}

function tunnelTo(host: string, port: string, loopbackUrl: string): string {
  return `open a tunnel (ssh -L ${port}:${host}:${port} <the sandbox's host>) and use ${loopbackUrl}: klaviyo-export sends an API key over plain http only to a loopback address.`;
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
