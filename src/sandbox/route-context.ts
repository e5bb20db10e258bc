import type { FaultInjector } from './faults.js';
import type { ImportJobStore } from './import-jobs.js';
import type { ApiResponse } from './json-api.js';
import type { SandboxStore } from './sandbox-store.js';

/** What every route handler sees of the sandbox. */
export interface SandboxState {
  store: SandboxStore;
  jobs: ImportJobStore;
  accountName: string;
  faults: FaultInjector;
}

export interface RouteRequest {
  /** Absolute, on the sandbox's own origin: links are built from it. */
  url: URL;
  params: Record<string, string>;
  now: number;
  /** The parsed JSON body of a POST. */
  body: unknown;
}

export type RouteHandler = (request: RouteRequest, state: SandboxState) => ApiResponse;

export function ok(body: unknown, status = 200): ApiResponse {
  return { status, body };
}
