import { z } from 'zod';
import { AuthError, KlaviyoRequestError, type ApiErrorObject } from '../errors.js';
import { OPERATIONS, type OperationId } from './operations.js';

const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : String(value)));

const errorDocumentSchema = z.object({
  errors: z.array(
    z.object({
      status: optionalText,
      code: optionalText,
      title: optionalText,
      detail: optionalText,
      source: z.object({ pointer: optionalText, parameter: optionalText }).nullish(),
    }),
  ),
});

function parseErrorDocument(bodyText: string) {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const parsed = errorDocumentSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Whether a body is a JSON:API error document, i.e. Klaviyo's API answered. A CDN's challenge or
 * error page (HTML), an empty body or other JSON is not: it came from an edge in front of the API.
 */
export function isApiErrorDocument(bodyText: string): boolean {
  return (parseErrorDocument(bodyText)?.errors.length ?? 0) > 0;
}

/** Reads Klaviyo's `errors[]` from a response body; a CDN's HTML page or any non-JSON gives []. */
export function parseApiErrors(bodyText: string): ApiErrorObject[] {
  const parsed = parseErrorDocument(bodyText);
  if (parsed === undefined) return [];
  return parsed.errors.map(({ source, ...rest }) => dropUndefined({ ...rest, pointer: source?.pointer, parameter: source?.parameter }));
}

const PROFILE_POINTER = /^\/data\/attributes\/profiles\/data\/(\d+)(?:\/|$)/;

/** '/data/attributes/profiles/data/12/attributes/email' -> 12; any other pointer -> undefined. */
export function profileIndexFromPointer(pointer: string | undefined): number | undefined {
  const match = pointer === undefined ? null : PROFILE_POINTER.exec(pointer);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface FailedRequest {
  readonly operation: OperationId;
  readonly method: string;
  /** The path only: never the query string, never the base URL's credentials. */
  readonly path: string;
  readonly attempts: number;
  readonly listId?: string;
}

/** Converts a final non-2xx answer into the error that tells the user who must act. */
export function toResponseError(
  request: FailedRequest,
  status: number,
  errors: readonly ApiErrorObject[],
): AuthError | KlaviyoRequestError {
  const { purpose, scopes } = OPERATIONS[request.operation];
  // Only Klaviyo's API says a key or scope is wrong: a 401/403 without one of these codes (a CDN's
  // challenge page, a proxy) says nothing about the key.
  const codes = new Set(status === 401 || status === 403 ? errors.map((error) => error.code) : []);
  if (codes.has('not_authenticated') || codes.has('authentication_failed')) {
    return new AuthError(
      `Klaviyo refused the API key (${status}): check KLAVIYO_API_KEY (or --api-key); it must be a private key of this account.`,
    );
  }
  if (codes.has('permission_denied')) {
    const scopeList = scopes.join(', ');
    return new AuthError(
      `Klaviyo refused ${purpose} (${status}): the API key lacks the scope${scopes.length > 1 ? 's' : ''} ${scopeList}; create a private key with ${scopeList} and set KLAVIYO_API_KEY (or --api-key) to it.`,
    );
  }
  if (status === 404 && request.operation === 'get_list' && request.listId !== undefined) {
    return new AuthError(`List ${request.listId} does not exist in this Klaviyo account.`);
  }
  const detail = errors.length === 0 ? "a page that is not from Klaviyo's API (its CDN or a proxy)" : describeErrors(errors);
  return new KlaviyoRequestError({
    message: `Klaviyo failed ${purpose}: ${request.method} ${request.path} answered ${status}${attemptsSuffix(request.attempts)}${detail ? `: ${detail}` : ''}.`,
    method: request.method,
    path: request.path,
    status,
    attempts: request.attempts,
    errors,
  });
}

/** Converts a network failure that outlasted the retries (or is not worth retrying). */
export function toNetworkError(request: FailedRequest, code: string): KlaviyoRequestError {
  const { purpose } = OPERATIONS[request.operation];
  return new KlaviyoRequestError({
    message: `Could not reach Klaviyo for ${purpose}: ${request.method} ${request.path} failed with ${code}${attemptsSuffix(request.attempts)}.`,
    method: request.method,
    path: request.path,
    status: undefined,
    attempts: request.attempts,
    errors: [],
  });
}

function attemptsSuffix(attempts: number): string {
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

function describeErrors(errors: readonly ApiErrorObject[]): string {
  return errors
    .map((error) => error.detail ?? error.title ?? error.code)
    .filter((text): text is string => Boolean(text))
    .map((text) => text.replace(/\.+$/, ''))
    .join('; ');
}

function dropUndefined(error: ApiErrorObject): ApiErrorObject {
  return Object.fromEntries(Object.entries(error).filter(([, value]) => value !== undefined));
}
