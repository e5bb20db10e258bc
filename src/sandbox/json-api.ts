import { randomUUID } from 'node:crypto';

/**
 * What a route handler returns: the sandbox's outcomes are values, written to the socket in one
 * place (sandbox-server.ts). `body` is serialised as JSON unless `html` is set.
 */
export interface ApiResponse {
  status: number;
  body?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

/** One JSON:API error object as Klaviyo sends it (spec: components/responses/ClientError). */
export interface JsonApiError {
  id: string;
  status: string;
  code: string;
  title: string;
  detail: string;
  source: ErrorSource;
}

export function jsonApiError(status: number, code: string, title: string, detail: string, source: ErrorSource = {}): JsonApiError {
  return { id: randomUUID(), status: String(status), code, title, detail, source };
}

export function errorResponse(status: number, errors: JsonApiError[], headers?: Record<string, string>): ApiResponse {
  return { status, body: { errors }, headers };
}

/** One error, the common case. */
export function failWith(
  status: number,
  code: string,
  title: string,
  detail: string,
  source?: ErrorSource,
  headers?: Record<string, string>,
): ApiResponse {
  return errorResponse(status, [jsonApiError(status, code, title, detail, source)], headers);
}

export const INVALID_TITLE = 'Invalid input.';

export function invalidParameter(parameter: string, detail: string): ApiResponse {
  return failWith(400, 'invalid', INVALID_TITLE, detail, { parameter });
}

export function notFound(detail = 'Not found.'): ApiResponse {
  return failWith(404, 'not_found', 'Not found.', detail);
}

/** What a CDN in front of Klaviyo answers when the origin is unreachable: HTML, not JSON. */
export const CDN_BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

/** Klaviyo's edge (Cloudflare) challenging a client: not the API, whatever the key. */
export const CDN_CHALLENGE: ApiResponse = {
  status: 403,
  html:
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head>' +
    '<body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>',
  headers: { 'cf-mitigated': 'challenge', 'Cache-Control': 'private, max-age=0, no-store' },
};

export function serverErrorResponse(status: 500 | 502 | 503): ApiResponse {
  if (status === 502) return { status, html: CDN_BAD_GATEWAY_HTML };
  if (status === 503) {
    return failWith(503, 'service_unavailable', 'Service unavailable.', 'The service is temporarily unavailable.');
  }
  return failWith(500, 'error', 'A server error occurred.', 'A server error occurred.');
}

/** Klaviyo's timestamp format: ISO 8601 with microseconds and an explicit offset. */
export function klaviyoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '000+00:00');
}
