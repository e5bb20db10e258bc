import type { RunSummary } from '../../report/run-summary.js';
import type { PushEvent } from '../events/push-events.js';
import { scanSegment } from '../scan/scan-segment.js';
import type { SegmentRequest } from '../plan/segment-request.js';
import { resolveSegmentPlan, segmentGateOf } from '../plan/segment-plan.js';
import { openRowLedger } from '../rejects/row-ledger.js';
import { summarizeRun } from '../summary/summarize-run.js';
import { checkRemovalGuard, DEFAULT_MAX_REMOVALS, describeRemovalRefusal, type MaxRemovals } from '../sync/sync-plan.js';
import { SyncSession, type MirrorSource } from '../sync/sync-session.js';

export interface ValidateRequest extends SegmentRequest {
  /** The list a push would use: makes request sizes exact. */
  readonly listId?: string;
  /** Report the run as `push --dry-run` (command 'push', dryRun true) rather than `validate`. */
  readonly asPushDryRun?: boolean;
  /**
   * `push --dry-run --changed-only / --mirror`: compare the file with the list's sync state (read
   * only) to show what would be sent and removed. Needs `listId`. The list source needs the
   * network, so a dry run plans no removal for it.
   */
  readonly sync?: {
    readonly stateDir: string;
    readonly mirror?: MirrorSource;
    readonly changedOnly?: boolean;
    readonly maxRemovals?: MaxRemovals;
  };
}

export type ValidateEvent = Extract<PushEvent, { type: 'rejects-written' | 'notice' }>;

/** Placeholder list id for the size of request bodies when no list is given (Klaviyo ids are 6 characters). */
const PLAN_LIST_ID = 'XXXXXX';

/** Reads, maps, validates and plans a segment file; nothing touches the network. */
export async function validateSegment(
  request: ValidateRequest,
  ports: { readonly onEvent?: (event: ValidateEvent) => void } = {},
): Promise<RunSummary> {
  const startedAt = new Date();
  const emit = (event: ValidateEvent) => ports.onEvent?.(event);
  const plan = resolveSegmentPlan(request);
  const ledger = openRowLedger({
    rejectsPath: plan.rejectsPath,
    rejectsOutput: plan.rejectsOutput,
    input: plan.source.input,
    hasLaterStages: false,
  });
  const sync = request.sync && request.listId !== undefined ? await openDrySync(request.sync, request.listId) : undefined;
  try {
    const scan = await scanSegment({
      source: plan.source,
      mapping: plan.mapping,
      limits: plan.limits,
      listId: request.listId ?? PLAN_LIST_ID,
      signal: plan.signal,
      ledger,
      selectProfile: sync === undefined ? undefined : (email, attributesJson, consent) => sync.select(email, attributesJson, consent),
      onNotice: (message) => emit({ type: 'notice', message }),
    });
    const gate = segmentGateOf(plan, { rowsRead: scan.rowsRead, rejected: ledger.scanOutcomes().rejected });
    const summary = summarizeRun(scan, ledger, {
      command: request.asPushDryRun ? 'push' : 'validate',
      dryRun: Boolean(request.asPushDryRun),
      listId: request.listId,
      listName: undefined,
      maxPerExport: plan.limits.maxProfilesPerExport,
      maxPerRequest: plan.limits.maxProfilesPerRequest,
      startedAt,
      totalMs: Date.now() - startedAt.getTime(),
      sendMs: 0,
      outcome: gate ?? 'validated',
      delivery: undefined,
      sync: sync === undefined ? undefined : planDrySync(sync, request.sync?.mirror),
    });
    ledger.closeRejects();
    const written = ledger.rejectsWritten;
    if (written && written.rows > 0) emit({ type: 'rejects-written', ...written });
    return summary;
  } finally {
    ledger.closeRejects();
  }
}

function openDrySync(options: NonNullable<ValidateRequest['sync']>, listId: string): Promise<SyncSession> {
  return SyncSession.open({
    stateDir: options.stateDir,
    listId,
    // Reading the list's members is network: the dry run compares with the state only.
    mirror: options.mirror === 'state' ? 'state' : undefined,
    changedOnly: Boolean(options.changedOnly),
    maxRemovals: options.maxRemovals ?? DEFAULT_MAX_REMOVALS,
    readOnly: true,
  });
}

/** The plan a dry run shows: removals are planned (never done); a refusal of the guard is said, not thrown. */
function planDrySync(sync: SyncSession, mirror: MirrorSource | undefined) {
  const plan = sync.planRemovals();
  const decision = checkRemovalGuard(plan.planned, plan.knownMembers, sync.options.maxRemovals);
  let reason: string | null = 'a dry run removes nothing.';
  if (!decision.isAllowed) reason = `a real run would stop here: ${describeRemovalRefusal(decision, sync.options.maxRemovals)}`;
  if (mirror === 'list') reason = '--mirror-source list reads the list, which a dry run does not do: no removal planned.';
  return sync.summarize(plan.noRemovalReason === 'no-state' ? null : reason);
}
