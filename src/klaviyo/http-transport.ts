import axios, { type AxiosInstance } from 'axios';
import type { Secret } from '../config/secret.js';
import { redactSecret } from '../config/secret.js';

export interface HttpTransportOptions {
  readonly baseUrl: string;
  readonly apiKey: Secret;
  readonly revision: string;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path and query, relative to the base URL: '/api/lists?page%5Bsize%5D=10'. */
  readonly pathAndQuery: string;
  /** Sent byte for byte. */
  /** Bytes as staged (no copy to a string and back), or text. */
  readonly body?: string | Uint8Array;
}

/** Any answer from the server, whatever its status; the body is text because a CDN error page is HTML. */
export interface HttpResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly bodyText: string;
}

/** No answer: `code` is the Node/axios error code ('ECONNRESET', 'ETIMEDOUT', ...). */
export interface NetworkFailure {
  readonly kind: 'network';
  readonly code: string;
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse | NetworkFailure>;

const JSON_API = 'application/vnd.api+json';

/**
 * The only place that talks to axios, through one instance. Every status comes back as a value;
 * an AxiosError never leaves this module, because it carries the request config and with it the
 * Authorization header.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const instance: AxiosInstance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: {
      Accept: JSON_API,
      revision: options.revision,
      'User-Agent': options.userAgent,
    },
    // Statuses are decisions for the retry policy, not exceptions.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // The body is already serialised (and its bytes counted by the batch planner): send it as is.
    transformRequest: [(data: unknown) => data],
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });

  return async (request) => {
    try {
      const response = await instance.request<string>({
        method: request.method,
        url: request.pathAndQuery,
        data: request.body,
        headers: {
          Authorization: `Klaviyo-API-Key ${options.apiKey.reveal()}`,
          ...(request.body === undefined ? {} : { 'Content-Type': JSON_API }),
        },
        signal: options.signal,
      });
      const retryAfter: unknown = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.status,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
        // Belt and braces: an error detail that echoed the key must not carry it into a message.
        bodyText: typeof response.data === 'string' ? redactSecret(response.data, options.apiKey) : '',
      };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (axios.isAxiosError(error)) return { kind: 'network', code: networkCode(error, options.apiKey) };
      throw error;
    }
  };
}

function networkCode(error: { code?: string | undefined; message: string }, apiKey: Secret): string {
  if (error.code) return error.code;
  if (/socket hang up/i.test(error.message)) return 'ECONNRESET';
  return redactSecret(error.message, apiKey);
}
