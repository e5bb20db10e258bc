import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector } from './faults.js';
import { createImportJob, getImportErrors, getImportJob, getImportJobs } from './import-job-routes.js';
import { ImportJobStore } from './import-jobs.js';
import { CDN_CHALLENGE, failWith, notFound, serverErrorResponse, type ApiResponse } from './json-api.js';
import { getProfilesForList } from './list-member-routes.js';
import { removeProfilesFromList } from './list-relationship-routes.js';
import { asksForProfileCount, getAccounts, getList, getLists } from './list-routes.js';
import { matchRoute, PREDICTIVE_ANALYTICS_RATE_LIMIT, PROFILE_COUNT_RATE_LIMIT, type Operation, type OperationId } from './operations.js';
import { ConsentStore } from './profile-consent.js';
import { getProfiles } from './profile-lookup-routes.js';
import { seedProfiles, toSandboxProfileConsent } from './seed-profiles.js';
import { createSubscriptionJob } from './subscription-routes.js';
import { RateLimiter, rateLimitHeaders } from './rate-limiter.js';
import { checkQueryVocabulary } from './query-checks.js';
import { readBody } from './request-body.js';
import { authenticate, checkContentType, checkRevision, checkScopes, throttledResponse } from './request-checks.js';
import type { RouteHandler, SandboxState } from './route-context.js';
import { SandboxStore } from './sandbox-store.js';
import {
  DEFAULT_REVISION,
  DEFAULT_SANDBOX_KEY,
  DEFAULT_SANDBOX_LISTS,
  type SandboxHandle,
  type SandboxOptions,
  type SandboxStats,
} from './sandbox-types.js';

/** https://developers.klaviyo.com/en/reference/bulk_import_profiles: "The maximum allowed payload size is 5MB" (counted strictly). */
export const MAX_BODY_BYTES = 5_000_000;

const HANDLERS: Record<OperationId, RouteHandler> = {
  get_accounts: getAccounts,
  get_lists: getLists,
  get_list: getList,
  get_profiles_for_list: getProfilesForList,
  bulk_import_profiles: createImportJob,
  get_bulk_import_profiles_jobs: getImportJobs,
  get_bulk_import_profiles_job: getImportJob,
  get_errors_for_bulk_import_profiles_job: getImportErrors,
  get_profiles: getProfiles,
  bulk_subscribe_profiles: createSubscriptionJob,
  remove_profiles_from_list: removeProfilesFromList,
};

function writeResponse(response: ServerResponse, api: ApiResponse, extraHeaders: Record<string, string> = {}): void {
  const headers = { ...extraHeaders, ...api.headers };
  if (api.status === 204) {
    response.writeHead(204, headers).end();
    return;
  }
  if (api.html !== undefined) {
    response.writeHead(api.status, { ...headers, 'Content-Type': 'text/html' }).end(api.html);
    return;
  }
  response.writeHead(api.status, { ...headers, 'Content-Type': 'application/vnd.api+json' }).end(JSON.stringify(api.body ?? {}));
}

/** Sandbox-only routes for processes that cannot call the handle (demo, benchmark): no auth, not Klaviyo's API. */
function answerAdmin(pathname: string, state: SandboxState, stats: () => SandboxStats): ApiResponse {
  const members = /^\/__sandbox\/lists\/([^/]+)\/members\/?$/.exec(pathname);
  if (members !== null) {
    const listId = decodeURIComponent(members[1] ?? '');
    if (state.store.list(listId) === undefined) return notFound(`A list with id ${listId} does not exist.`);
    return { status: 200, body: { emails: state.store.memberEmails(listId) } };
  }
  if (/^\/__sandbox\/stats\/?$/.test(pathname)) return { status: 200, body: stats() };
  return notFound();
}

function rateBucket(operation: Operation, query: URLSearchParams) {
  if (operation.id === 'get_list' && asksForProfileCount(query)) {
    return { name: 'get_list:profile_count', limit: PROFILE_COUNT_RATE_LIMIT };
  }
  if (operation.id === 'get_profiles' && (query.get('additional-fields[profile]') ?? '').split(',').includes('predictive_analytics')) {
    return { name: 'get_profiles:predictive_analytics', limit: PREDICTIVE_ANALYTICS_RATE_LIMIT };
  }
  return { name: operation.id, limit: operation.rateLimit };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const keys = options.keys ?? [{ key: DEFAULT_SANDBOX_KEY, scopes: 'all' }];
  const revision = options.revision ?? DEFAULT_REVISION;
  const areRateLimitsOn = (options.rateLimits ?? 'klaviyo') === 'klaviyo';
  const faults = new FaultInjector(options.faults);
  const store = new SandboxStore(options.lists ?? DEFAULT_SANDBOX_LISTS, Date.now());
  const jobs = new ImportJobStore(store, options.jobProcessing ?? { queuedMs: 200, profilesPerSecond: 50_000 }, faults);
  const consent = new ConsentStore();
  const state: SandboxState = { store, jobs, consent, accountName: options.accountName ?? 'Sandbox Store', faults };
  seedProfiles(options.profiles ?? [], state, Date.now());
  const limiter = new RateLimiter();
  const counters = { requests: {} as Record<string, number>, throttled: 0, faultsInjected: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let isClosed = false;
  let subscribeApplied = 0;

  function stats(): SandboxStats {
    const all = jobs.jobs();
    return {
      requests: { ...counters.requests },
      throttled: counters.throttled,
      faultsInjected: counters.faultsInjected,
      jobsCreated: all.length,
      jobsCancelled: all.filter((job) => job.isCancelled).length,
      profilesReceived: all.reduce((sum, job) => sum + job.totalCount, 0),
      profilesSubscribeRequested: consent.profilesSubscribeRequested(),
      confirmationEmailsSent: consent.confirmationEmailsSent(),
      profilesSubscribedTwice: consent.repeats().subscribedTwice,
      profilesConfirmationEmailedTwice: consent.repeats().confirmedTwice,
    };
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function answerApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const route = matchRoute(request.method ?? 'GET', url.pathname);
    if (route.kind === 'not-found') return writeResponse(response, notFound());
    if (route.kind === 'method-not-allowed') {
      const method = request.method ?? '';
      return writeResponse(
        response,
        failWith(405, 'method_not_allowed', `Method "${method}" not allowed.`, `Method "${method}" not allowed.`),
        {
          Allow: route.allowed.join(', '),
        },
      );
    }
    const { operation, params } = route;
    counters.requests[operation.id] = (counters.requests[operation.id] ?? 0) + 1;

    const plan = faults.planRequest();
    if (plan.latencyMs > 0) await delay(plan.latencyMs);
    if (isClosed) return;
    if (plan.fault.kind === 'drop-before') {
      counters.faultsInjected += 1;
      request.socket.destroy();
      return;
    }
    if (plan.fault.kind === 'server-error') {
      counters.faultsInjected += 1;
      return writeResponse(response, serverErrorResponse(plan.fault.status));
    }
    if (faults.shouldChallenge()) {
      counters.faultsInjected += 1;
      return writeResponse(response, CDN_CHALLENGE);
    }

    const authentication = authenticate(request.headers, keys);
    if ('response' in authentication) return writeResponse(response, authentication.response);
    const refusal = checkRevision(request.headers, revision) ?? checkScopes(authentication.key, operation);
    if (refusal !== undefined) return writeResponse(response, refusal);

    let rateHeaders: Record<string, string> = {};
    if (faults.isThrottlingAll) {
      counters.throttled += 1;
      return writeResponse(response, throttledResponse(1));
    }
    if (areRateLimitsOn) {
      const bucket = rateBucket(operation, url.searchParams);
      const decision = limiter.consume(bucket.name, bucket.limit, Date.now());
      if (!decision.isAllowed) {
        counters.throttled += 1;
        return writeResponse(response, throttledResponse(decision.retryAfterSeconds));
      }
      rateHeaders = rateLimitHeaders(decision);
    }

    const queryRefusal = checkQueryVocabulary(url.searchParams, operation.query);
    if (queryRefusal !== undefined) return writeResponse(response, queryRefusal, rateHeaders);

    let body: unknown;
    if (operation.method === 'POST' || operation.method === 'DELETE') {
      const mediaRefusal = checkContentType(request.headers);
      if (mediaRefusal !== undefined) return writeResponse(response, mediaRefusal, rateHeaders);
      const read = await readBody(request, MAX_BODY_BYTES);
      if (read.kind === 'aborted') return;
      if (read.kind === 'too-large') {
        const detail = `The request body is larger than the maximum of ${MAX_BODY_BYTES} bytes.`;
        return writeResponse(response, failWith(413, 'payload_too_large', 'Request payload too large.', detail), rateHeaders);
      }
      try {
        body = JSON.parse(read.text);
      } catch (error) {
        const detail = `JSON parse error - ${(error as Error).message}`;
        return writeResponse(response, failWith(400, 'parse_error', 'Malformed request.', detail), rateHeaders);
      }
    }

    const now = Date.now();
    jobs.settleDueJobs(now);
    const answer = HANDLERS[operation.id]({ url, params, now, body }, state);
    if (operation.id === 'bulk_subscribe_profiles' && answer.status === 202) {
      subscribeApplied += 1;
      options.faults?.onSubscribeApplied?.(subscribeApplied);
    }
    if (plan.fault.kind === 'drop-after') {
      counters.faultsInjected += 1;
      request.socket.destroy();
      return;
    }
    writeResponse(response, answer, rateHeaders);
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    try {
      if (url.pathname.startsWith('/__sandbox/')) {
        jobs.settleDueJobs(Date.now());
        const admin = answerAdmin(url.pathname, state, stats);
        response.writeHead(admin.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(admin.body));
        return;
      }
      await answerApi(request, response, url);
    } catch (error) {
      if (!response.headersSent) writeResponse(response, failWith(500, 'error', 'A server error occurred.', String(error)));
    }
  }

  const server = createServer((request, response) => {
    if (isClosed) request.socket.destroy();
    else void answer(request, response);
  });
  // Tracked by hand as well as closeAllConnections(), so that close() ends every socket whatever its state.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (isClosed) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (isClosed) return resolve();
        isClosed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
    listMemberEmails: (listId) => {
      jobs.settleDueJobs(Date.now());
      return store.memberEmails(listId);
    },
    profileCount: () => {
      jobs.settleDueJobs(Date.now());
      return store.profileCount();
    },
    profileConsent: (email) => {
      jobs.settleDueJobs(Date.now());
      const profile = store.profileByEmail(email);
      return profile === undefined ? undefined : toSandboxProfileConsent(consent.peek(profile));
    },
    profileAttributes: (email) => {
      jobs.settleDueJobs(Date.now());
      const profile = store.profileByEmail(email);
      return profile === undefined ? undefined : structuredClone(profile.attributes);
    },
    stats,
  };
}

export type {
  SandboxFaults,
  SandboxHandle,
  SandboxKey,
  SandboxOptions,
  SandboxProfileConsent,
  SandboxSeedProfile,
  SandboxStats,
} from './sandbox-types.js';
