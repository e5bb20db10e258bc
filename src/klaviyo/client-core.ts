import type { z } from 'zod';
import type { OperationId } from './operations.js';
import type { FinalResponse, RunRequest } from './request-runner.js';

/**
 * What the client's operation modules (profile-lookup.ts, list-membership.ts) share with
 * klaviyo-client.ts: one request runner (rate limiters and retries per operation), JSON:API body
 * parsing and error conversion.
 */
export interface ClientCore {
  readonly runRequest: RunRequest;
  /** GET that must answer 200 with a body matching `schema`; anything else throws the user-facing error. */
  fetchResource<S extends z.ZodType>(operation: OperationId, pathAndQuery: string, schema: S): Promise<z.infer<S>>;
  /** Every page from `firstPathAndQuery`, following `links.next` on the configured base URL. */
  paginate<S extends z.ZodType<{ links?: { next?: string | null | undefined } | null | undefined }>>(
    operation: OperationId,
    firstPathAndQuery: string,
    schema: S,
  ): AsyncGenerator<z.infer<S>>;
  /** The error for a final answer the caller does not accept. */
  responseError(operation: OperationId, pathAndQuery: string, response: FinalResponse): Error;
}
