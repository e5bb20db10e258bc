import type { IncomingHttpHeaders } from 'node:http';
import { failWith, type ApiResponse } from './json-api.js';
import type { Operation } from './operations.js';
import type { SandboxKey } from './sandbox-types.js';

/**
 * The checks every API request passes before its handler runs, in Klaviyo's order: key, revision,
 * scopes (then rate limits, in the server), then for a POST its Content-Type.
 * https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling
 */

const KEY_SCHEME = /^Klaviyo-API-Key\s+(\S+)\s*$/i;
/** Spec: "API endpoint revision (format: YYYY-MM-DD[.suffix])". */
const REVISION_FORMAT = /^\d{4}-\d{2}-\d{2}(\.[a-z0-9]+)?$/;
const JSON_MEDIA_TYPES = new Set(['application/vnd.api+json', 'application/json']);

export type Authentication = { key: SandboxKey } | { response: ApiResponse };

export function authenticate(headers: IncomingHttpHeaders, keys: readonly SandboxKey[]): Authentication {
  const match = KEY_SCHEME.exec(headers.authorization ?? '');
  if (match === null) {
    return {
      response: failWith(
        401,
        'not_authenticated',
        'Authentication credentials were not provided.',
        'Missing or invalid authorization scheme. Please use Klaviyo-API-Key.',
      ),
    };
  }
  const key = keys.find((candidate) => candidate.key === match[1]);
  if (key === undefined) {
    return {
      response: failWith(401, 'authentication_failed', 'Incorrect authentication credentials.', 'Incorrect authentication credentials.'),
    };
  }
  return { key };
}

export function checkRevision(headers: IncomingHttpHeaders, acceptedRevision: string): ApiResponse | undefined {
  const revision = headers.revision;
  if (typeof revision !== 'string' || revision.trim() === '') {
    return failWith(400, 'invalid', 'Invalid input.', "The 'revision' header is required.", { parameter: 'revision' });
  }
  if (!REVISION_FORMAT.test(revision.trim()) || revision.trim() !== acceptedRevision) {
    return failWith(400, 'invalid', 'Invalid input.', `Invalid revision: '${revision}'. The sandbox serves revision ${acceptedRevision}.`, {
      parameter: 'revision',
    });
  }
  return undefined;
}

/** In Klaviyo a key with write access to a resource can also read it. */
function hasScope(key: SandboxKey, scope: string): boolean {
  if (key.scopes === 'all') return true;
  if (key.scopes.includes(scope)) return true;
  const [resource, access] = scope.split(':');
  return access === 'read' && key.scopes.includes(`${resource}:write`);
}

export function checkScopes(key: SandboxKey, operation: Operation): ApiResponse | undefined {
  const missing = operation.scopes.filter((scope) => !hasScope(key, scope));
  if (missing.length === 0) return undefined;
  return failWith(
    403,
    'permission_denied',
    'You do not have permission to perform this action.',
    `This API key is missing required scopes: ${missing.join(', ')}.`,
  );
}

export function checkContentType(headers: IncomingHttpHeaders): ApiResponse | undefined {
  const contentType = headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (JSON_MEDIA_TYPES.has(mediaType)) return undefined;
  return failWith(
    415,
    'unsupported_media_type',
    `Unsupported media type "${contentType}" in request.`,
    `Unsupported media type "${contentType}" in request. Use application/vnd.api+json.`,
  );
}

export function throttledResponse(retryAfterSeconds: number): ApiResponse {
  return failWith(
    429,
    'throttled',
    'Request was throttled.',
    `Request was throttled. Expected available in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`,
    undefined,
    { 'Retry-After': String(retryAfterSeconds) },
  );
}
