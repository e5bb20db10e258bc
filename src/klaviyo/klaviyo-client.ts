import type { z } from 'zod';
import type { Secret } from '../config/secret.js';
import { abortableSleep } from './abortable-sleep.js';
import { KlaviyoRequestError, type ApiErrorObject } from '../errors.js';
import { parseApiErrors, toResponseError } from './api-errors.js';
import type { ClientCore } from './client-core.js';
import { StatsRecorder, type ClientEvent, type ClientStats } from './client-stats.js';
import { createHttpTransport } from './http-transport.js';
import { emailFilter, MAX_EMAILS_PER_FILTER } from './email-filter.js';
import { createListMembership, type ListMembership } from './list-membership.js';
import { OPERATION_IDS, OPERATIONS, type OperationId } from './operations.js';
import { MINUTE_MS, RateLimiter, SECOND_MS } from './rate-limiter.js';
import { profileConsentLookupPath, profileConsentPageSchema, toProfileConsents, type ProfileConsent } from './profile-consent-lookup.js';
import { createSubscriptionJob, type CreateSubscriptionJobResult } from './profile-subscription-bulk-create.js';
import { createProfileLookup, type ProfileLookup } from './profile-lookup.js';
import { createRequestRunner, pathOf, type FinalResponse } from './request-runner.js';
import {
  accountPageSchema,
  importErrorPageSchema,
  importJobPageSchema,
  importJobResponseSchema,
  listMemberPageSchema,
  listPageSchema,
  listResponseSchema,
  toImportErrorItems,
  toImportJob,
  toKlaviyoAccount,
  toKlaviyoList,
  toListMembers,
  type ImportErrorItem,
  type ImportJob,
  type KlaviyoAccount,
  type KlaviyoList,
  type ListMember,
} from './resources.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';

export { profileIndexFromPointer } from './api-errors.js';
export type { ClientEvent, ClientStats, OperationStats } from './client-stats.js';
export type { ImportErrorItem, ImportJob, ImportJobStatus, KlaviyoAccount, KlaviyoList, ListMember } from './resources.js';
export type { ProfileConsent } from './profile-consent-lookup.js';
export type { CreateSubscriptionJobResult } from './profile-subscription-bulk-create.js';
export type { ProfileIdByEmail } from './profile-lookup.js';
export type { ListMemberRef } from './list-membership.js';

/** https://developers.klaviyo.com/en/docs/api_versioning_and_deprecation_policy */
export const KLAVIYO_REVISION = '2026-07-15';

export interface KlaviyoClientOptions {
  baseUrl: string;
  apiKey: Secret;
  revision?: string;
  userAgent: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Aborts sleeps, waits in the rate limiters and in-flight requests. */
  signal?: AbortSignal;
  /** Inject with `now` so that the rate limiter's waits and the clock agree. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** 'off' disables pacing (a 429's Retry-After is still honoured). */
  rateLimits?: 'klaviyo' | 'off';
  onEvent?: (event: ClientEvent) => void;
}

export type CreateImportJobResult = { kind: 'accepted'; job: ImportJob } | { kind: 'invalid'; errors: ApiErrorObject[] };

export interface KlaviyoClient extends ProfileLookup, ListMembership {
  getAccount(): Promise<KlaviyoAccount>;
  getList(listId: string): Promise<KlaviyoList>;
  /** Every list (or those named exactly `filter.name`), following the `links.next` cursor. */
  listLists(filter?: { name?: string }): AsyncIterable<KlaviyoList>;
  createProfileImportJob(body: string | Uint8Array): Promise<CreateImportJobResult>;
  getProfileImportJob(jobId: string): Promise<ImportJob>;
  /** The first page of the account's import jobs (`page[size]` 1 to 100): a documented read that proves the job-reading scopes. */
  listRecentImportJobs(pageSize: number): Promise<ImportJob[]>;
  /** Every import error of the job, over every page. */
  listImportErrors(jobId: string): AsyncIterable<ImportErrorItem>;
  /** The current consent of the profiles with these emails (at most 100); unknown emails are absent. */
  lookupProfileConsent(emails: readonly string[]): Promise<ProfileConsent[]>;
  /** One subscribe request (a body from subscriptionJobBody); throws AuthError when subscriptions:write is missing. */
  createSubscriptionJob(body: string): Promise<CreateSubscriptionJobResult>;
  /**
   * The members of the list among `emails` (at most MAX_EMAILS_PER_FILTER), over every page.
   * `fields` are `fields[profile]` names (`email` is always asked for). Reads only.
   */
  findListMembers(listId: string, emails: readonly string[], fields?: readonly string[]): Promise<ListMember[]>;
  stats(): ClientStats;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Largest pages Klaviyo allows (spec: `page[size]` maximum) for fewer requests. */
const LISTS_PAGE_SIZE = 10;
const IMPORT_ERRORS_PAGE_SIZE = 100;
/** Spec, get_profiles_for_list `page[size]`: "Max: 100", so 100 emails fit one page. */
const LIST_MEMBERS_PAGE_SIZE = 100;

export function createKlaviyoClient(options: KlaviyoClientOptions): KlaviyoClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const recorder = new StatsRecorder();
  const emit = (event: ClientEvent): void => {
    recorder.record(event);
    options.onEvent?.(event);
  };
  const runRequest = createRequestRunner({
    transport: createHttpTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      revision: options.revision ?? KLAVIYO_REVISION,
      userAgent: options.userAgent,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: options.signal,
    }),
    limiters: createLimiters(options.rateLimits ?? 'klaviyo', now, sleep),
    policy: { ...DEFAULT_RETRY_POLICY, maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries },
    now,
    sleep,
    random: options.random ?? Math.random,
    signal: options.signal,
    emit,
  });

  async function fetchResource<S extends z.ZodType>(
    operation: OperationId,
    pathAndQuery: string,
    schema: S,
    context: { listId?: string } = {},
  ): Promise<z.infer<S>> {
    const response = await runRequest({ operation, pathAndQuery });
    if (response.status !== 200) throw responseError(operation, pathAndQuery, response, context.listId);
    return parseBody(operation, pathAndQuery, response, schema);
  }

  async function* paginate<S extends z.ZodType<{ links?: { next?: string | null | undefined } | null | undefined }>>(
    operation: OperationId,
    firstPathAndQuery: string,
    schema: S,
  ): AsyncGenerator<z.infer<S>> {
    let pathAndQuery: string | undefined = firstPathAndQuery;
    const seen = new Set<string>();
    while (pathAndQuery !== undefined && !seen.has(pathAndQuery)) {
      seen.add(pathAndQuery);
      const page: z.infer<S> = await fetchResource(operation, pathAndQuery, schema);
      yield page;
      pathAndQuery = nextPathAndQuery(page.links?.next ?? undefined, options.baseUrl);
    }
  }

  const core: ClientCore = {
    runRequest,
    fetchResource,
    paginate,
    responseError: (operation, pathAndQuery, response) => responseError(operation, pathAndQuery, response),
  };

  return {
    ...createProfileLookup(core),
    ...createListMembership(core),

    async getAccount() {
      return toKlaviyoAccount(await fetchResource('get_accounts', '/api/accounts', accountPageSchema));
    },

    async getList(listId) {
      const path = `/api/lists/${encodeURIComponent(listId)}`;
      return toKlaviyoList((await fetchResource('get_list', path, listResponseSchema, { listId })).data);
    },

    async *listLists(filter = {}) {
      const query = new URLSearchParams({ 'page[size]': String(LISTS_PAGE_SIZE) });
      if (filter.name !== undefined) query.set('filter', `equals(name,${JSON.stringify(filter.name)})`);
      for await (const page of paginate('get_lists', `/api/lists?${query.toString()}`, listPageSchema)) {
        yield* page.data.map(toKlaviyoList);
      }
    },

    async createProfileImportJob(body) {
      const pathAndQuery = '/api/profile-bulk-import-jobs';
      const response = await runRequest({ operation: 'bulk_import_profiles', pathAndQuery, body });
      // Klaviyo validates the whole request at once: one bad profile refuses all, with pointers to it.
      if (response.status === 400) return { kind: 'invalid', errors: parseApiErrors(response.bodyText) };
      if (response.status !== 202 && response.status !== 201 && response.status !== 200) {
        throw responseError('bulk_import_profiles', pathAndQuery, response);
      }
      const job = toImportJob(parseBody('bulk_import_profiles', pathAndQuery, response, importJobResponseSchema));
      return { kind: 'accepted', job };
    },

    async getProfileImportJob(jobId) {
      const path = `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}`;
      return toImportJob(await fetchResource('get_bulk_import_profiles_job', path, importJobResponseSchema));
    },

    async listRecentImportJobs(pageSize) {
      // Spec, get_bulk_import_profiles_jobs: "page[size] Default: 20. Min: 1. Max: 100."
      const size = Math.min(100, Math.max(1, Math.floor(pageSize)));
      const query = new URLSearchParams({ 'page[size]': String(size) });
      const page = await fetchResource(
        'get_bulk_import_profiles_jobs',
        `/api/profile-bulk-import-jobs?${query.toString()}`,
        importJobPageSchema,
      );
      return page.data.map((data) => toImportJob({ data }));
    },

    async *listImportErrors(jobId) {
      const query = new URLSearchParams({ 'page[size]': String(IMPORT_ERRORS_PAGE_SIZE) });
      const first = `/api/profile-bulk-import-jobs/${encodeURIComponent(jobId)}/import-errors?${query.toString()}`;
      for await (const page of paginate('get_errors_for_bulk_import_profiles_job', first, importErrorPageSchema)) {
        yield* toImportErrorItems(page);
      }
    },

    async lookupProfileConsent(emails) {
      const profiles: ProfileConsent[] = [];
      for await (const page of paginate('get_profiles', profileConsentLookupPath(emails), profileConsentPageSchema)) {
        profiles.push(...toProfileConsents(page));
      }
      return profiles;
    },

    createSubscriptionJob: (body) => createSubscriptionJob(runRequest, body),

    async findListMembers(listId, emails, fields = []) {
      if (emails.length === 0) return [];
      if (emails.length > MAX_EMAILS_PER_FILTER) {
        throw new RangeError(`findListMembers takes at most ${MAX_EMAILS_PER_FILTER} emails, not ${emails.length}.`);
      }
      const query = new URLSearchParams({
        filter: emailFilter(emails),
        'fields[profile]': [...new Set(['email', ...fields])].join(','),
        'page[size]': String(LIST_MEMBERS_PAGE_SIZE),
      });
      const first = `/api/lists/${encodeURIComponent(listId)}/profiles?${query.toString()}`;
      const members: ListMember[] = [];
      for await (const page of paginate('get_profiles_for_list', first, listMemberPageSchema)) members.push(...toListMembers(page));
      return members;
    },

    stats: () => recorder.snapshot(),
  };
}

function createLimiters(
  mode: 'klaviyo' | 'off',
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): Record<OperationId, RateLimiter> {
  return Object.fromEntries(
    OPERATION_IDS.map((operation) => {
      const { perSecond, perMinute } = OPERATIONS[operation].limits;
      const windows =
        mode === 'off'
          ? []
          : [
              { limit: perSecond, windowMs: SECOND_MS },
              { limit: perMinute, windowMs: MINUTE_MS },
            ];
      return [operation, new RateLimiter({ windows, now, sleep })];
    }),
  ) as Record<OperationId, RateLimiter>;
}

function responseError(operation: OperationId, pathAndQuery: string, response: FinalResponse, listId?: string): Error {
  const request = { operation, method: OPERATIONS[operation].method, path: pathOf(pathAndQuery), attempts: response.attempts };
  return toResponseError(listId === undefined ? request : { ...request, listId }, response.status, parseApiErrors(response.bodyText));
}

function parseBody<S extends z.ZodType>(operation: OperationId, pathAndQuery: string, response: FinalResponse, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(response.bodyText);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const { method } = OPERATIONS[operation];
  const path = pathOf(pathAndQuery);
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return failUnreadable(method, path, response, `${issue?.message ?? 'not JSON'}${where}`);
}

function failUnreadable(method: string, path: string, response: FinalResponse, reason: string): never {
  throw new KlaviyoRequestError({
    message: `Klaviyo answered ${method} ${path} with ${response.status} and a body this client cannot read (${reason}).`,
    method,
    path,
    status: response.status,
    attempts: response.attempts,
    errors: [],
  });
}

/**
 * Follows a `links.next` cursor on our own base URL: the API key is only ever sent to the host the
 * user configured, even if a link names another.
 */
function nextPathAndQuery(next: string | undefined, baseUrl: string): string | undefined {
  if (!next) return undefined;
  const url = new URL(next, baseUrl);
  return `${url.pathname}${url.search}`;
}
