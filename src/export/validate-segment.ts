import type { RunSummary } from '../report/run-summary.js';
import type { PushEvent } from './push-events.js';
import { scanSegment } from './scan-segment.js';
import {
  batchLimitsOf,
  batchSizeOf,
  mappingRequestOf,
  maxPerExportOf,
  openRejectsFile,
  setRejectsColumns,
  sourceOf,
  type SegmentRequest,
} from './segment-request.js';
import { summarizeRun } from './summarize-run.js';

export interface ValidateRequest extends SegmentRequest {
  /** The list a push would use: makes request sizes exact. */
  readonly listId?: string;
  /** Report the run as `push --dry-run` (command 'push', dryRun true) rather than `validate`. */
  readonly asPushDryRun?: boolean;
}

export type ValidateEvent = Extract<PushEvent, { type: 'rejects-written' }>;

/** Placeholder list id for the size of request bodies when no list is given (Klaviyo ids are 6 characters). */
const PLAN_LIST_ID = 'XXXXXX';

/** Reads, maps, validates and plans a segment file; nothing touches the network. */
export async function validateSegment(
  request: ValidateRequest,
  ports: { readonly onEvent?: (event: ValidateEvent) => void } = {},
): Promise<RunSummary> {
  const startedAt = new Date();
  const limits = batchLimitsOf(request);
  const rejects = openRejectsFile(request);
  try {
    const scan = await scanSegment({
      source: sourceOf(request),
      mapping: mappingRequestOf(request),
      limits,
      listId: request.listId ?? PLAN_LIST_ID,
      signal: request.signal,
      onMappingResolved: (_mapping, columns, format) => setRejectsColumns(rejects, columns, format),
      onRejected: (row) => rejects?.add(row),
    });
    const isStrictFailure = Boolean(request.strict) && scan.rejected > 0;
    const summary = summarizeRun(scan, {
      command: request.asPushDryRun ? 'push' : 'validate',
      dryRun: Boolean(request.asPushDryRun),
      listId: request.listId,
      listName: undefined,
      maxPerExport: maxPerExportOf(request),
      maxPerRequest: batchSizeOf(request),
      startedAt,
      totalMs: Date.now() - startedAt.getTime(),
      sendMs: 0,
      outcome: isStrictFailure ? 'rejected-strict' : 'validated',
      delivery: undefined,
    });
    rejects?.close();
    if (rejects && rejects.rows > 0) ports.onEvent?.({ type: 'rejects-written', path: rejects.path, rows: rejects.rows });
    return summary;
  } finally {
    rejects?.close();
  }
}
