import { jobExpiresAt, type ImportJob, type JobStatus } from './import-jobs.js';
import type { FaultInjector } from './faults.js';
import {
  errorResponse,
  failWith,
  INVALID_TITLE,
  invalidParameter,
  jsonApiError,
  klaviyoTime,
  notFound,
  type ApiResponse,
} from './json-api.js';
import { includedListResource } from './list-routes.js';
import { validateImportRequest, type ProfileAttributes } from './profile-validation.js';
import { isApiResponse, pageLinks, parseFilter, parsePage, pickFields, sparseFields } from './query-params.js';
import { ok, type RouteHandler, type RouteRequest, type SandboxState } from './route-context.js';

/** POST/GET /api/profile-bulk-import-jobs, GET .../{id} and GET .../{id}/import-errors. */

/** Spec, get_bulk_import_profiles_jobs and get_errors_for_bulk_import_profiles_job: "Default: 20. Min: 1. Max: 100." */
const JOBS_PAGE = { default: 20, max: 100 };
const ERRORS_PAGE = { default: 20, max: 100 };
const JOB_FILTERS = { status: ['any', 'equals'] } as const;
const JOB_TYPE = 'profile-bulk-import-job';

function apiUrl(request: RouteRequest, path: string): string {
  return new URL(path, request.url.origin).href;
}

function optionalTime(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : klaviyoTime(epochMs);
}

/** Spec: ProfileImportJobResponseObjectResource. */
function jobResource(request: RouteRequest, state: SandboxState, job: ImportJob) {
  const jobState = state.jobs.stateOf(job, request.now);
  const jobPath = `/api/profile-bulk-import-jobs/${job.id}`;
  const relationshipLinks = (name: string) => ({
    self: apiUrl(request, `${jobPath}/relationships/${name}/`),
    related: apiUrl(request, `${jobPath}/${name}/`),
  });
  const isFinal = jobState.status === 'complete' || jobState.status === 'cancelled';
  const attributes = {
    status: isFinal ? jobState.status : (state.faults.unknownJobStatus ?? jobState.status),
    created_at: klaviyoTime(job.createdAt),
    total_count: job.totalCount,
    completed_count: jobState.completedCount,
    failed_count: jobState.failedCount,
    completed_at: optionalTime(jobState.completedAt),
    expires_at: klaviyoTime(jobExpiresAt(job)),
    started_at: optionalTime(jobState.startedAt),
  };
  return {
    type: JOB_TYPE,
    id: job.id,
    attributes: pickFields(attributes, sparseFields(request.url.searchParams, JOB_TYPE)),
    relationships: {
      lists: { data: job.listIds.map((id) => ({ type: 'list', id })), links: relationshipLinks('lists') },
      profiles: { links: relationshipLinks('profiles') },
      'import-errors': { links: { related: apiUrl(request, `${jobPath}/import-errors/`) } },
    },
    links: { self: apiUrl(request, `${jobPath}/`) },
  };
}

/**
 * The `refuseEmails` fault at upload: the whole request is refused with 400, its errors naming the
 * first refused profile, all of them, or none (a pointer that is only `/data`), as the docs leave open.
 */
function refuseAtUpload(profiles: readonly ProfileAttributes[], faults: FaultInjector): ApiResponse | undefined {
  const indices: number[] = [];
  profiles.forEach((attributes, index) => {
    if (faults.isRefusedAtUpload(attributes.email)) indices.push(index);
  });
  if (indices.length === 0) return undefined;
  if (faults.refuseEmailsAs === 'none') {
    return errorResponse(400, [jsonApiError(400, 'invalid', INVALID_TITLE, 'One or more profiles are invalid.', { pointer: '/data' })]);
  }
  const named = faults.refuseEmailsAs === 'first' ? indices.slice(0, 1) : indices;
  return errorResponse(
    400,
    named.map((index) =>
      jsonApiError(400, 'invalid', INVALID_TITLE, 'The email address was refused.', {
        pointer: `/data/attributes/profiles/data/${index}/attributes/email`,
      }),
    ),
  );
}

export const createImportJob: RouteHandler = (request, state) => {
  const validation = validateImportRequest(request.body);
  if (!validation.isValid) return validation.response;
  const { listIds } = validation.request;
  const missingIndex = listIds.findIndex((id) => state.store.list(id) === undefined);
  if (missingIndex >= 0) {
    return failWith(404, 'not_found', 'Not found.', `A list with id ${listIds[missingIndex]} does not exist.`, {
      pointer: `/data/relationships/lists/data/${missingIndex}/id`,
    });
  }
  const refusal = refuseAtUpload(validation.request.profiles, state.faults);
  if (refusal !== undefined) return refusal;
  const job = state.jobs.create(validation.request, request.now);
  return ok({ data: jobResource(request, state, job), links: { self: apiUrl(request, `/api/profile-bulk-import-jobs/${job.id}/`) } }, 202);
};

function findJob(state: SandboxState, id: string | undefined): ImportJob | ApiResponse {
  const job = id === undefined ? undefined : state.jobs.job(id);
  return job ?? notFound(`A profile bulk import job with id ${id ?? ''} does not exist.`);
}

export const getImportJob: RouteHandler = (request, state) => {
  const job = findJob(state, request.params.id);
  if (isApiResponse(job)) return job;
  const include = request.url.searchParams.get('include');
  if (include !== null && include !== 'lists') return invalidParameter('include', `'${include}' is not a valid relationship.`);
  const document: Record<string, unknown> = { data: jobResource(request, state, job), links: { self: request.url.href } };
  if (include === 'lists') {
    document.included = job.listIds.flatMap((id) => {
      const list = state.store.list(id);
      return list === undefined ? [] : [includedListResource(request, list)];
    });
  }
  return ok(document);
};

export const getImportJobs: RouteHandler = (request, state) => {
  const query = request.url.searchParams;
  const page = parsePage(query, JOBS_PAGE.default, JOBS_PAGE.max);
  if (isApiResponse(page)) return page;
  let jobs = state.jobs.jobs();
  const filterText = query.get('filter');
  if (filterText !== null) {
    const filter = parseFilter(filterText, JOB_FILTERS);
    if (isApiResponse(filter)) return filter;
    const statuses = new Set(filter.values);
    jobs = jobs.filter((job) => statuses.has(state.jobs.stateOf(job, request.now).status satisfies JobStatus));
  }
  const sort = query.get('sort');
  if (sort !== null && sort !== 'created_at' && sort !== '-created_at') {
    return invalidParameter('sort', `'${sort}' is not a valid sort field.`);
  }
  if (sort === '-created_at') jobs.reverse();
  const data = jobs.slice(page.offset, page.offset + page.size).map((job) => jobResource(request, state, job));
  return ok({ data, links: pageLinks(request.url, page, jobs.length) });
};

/** Spec: ImportErrorResponseObjectResource. A profile's error appears once the job has processed it. */
export const getImportErrors: RouteHandler = (request, state) => {
  const job = findJob(state, request.params.id);
  if (isApiResponse(job)) return job;
  const page = parsePage(request.url.searchParams, ERRORS_PAGE.default, ERRORS_PAGE.max);
  if (isApiResponse(page)) return page;
  const visible = job.refusals.slice(0, state.jobs.stateOf(job, request.now).failedCount);
  const fields = sparseFields(request.url.searchParams, 'import-error');
  const data = visible.slice(page.offset, page.offset + page.size).map((refusal) => ({
    type: 'import-error',
    id: refusal.id,
    attributes: pickFields(
      {
        code: 'invalid',
        title: 'Invalid input.',
        detail: refusal.detail,
        source: { pointer: refusal.pointer },
        // Spec: `original_payload` is nullable.
        original_payload: state.faults.importErrorPayload === 'none' ? null : refusal.originalPayload,
      },
      fields,
    ),
  }));
  return ok({ data, links: pageLinks(request.url, page, visible.length) });
};
