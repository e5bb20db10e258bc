/**
 * klaviyo-export as a library: the operations the CLI runs, as functions. Semver covers these
 * exports and the JSON report's shape (RunSummary, whose `version` is REPORT_VERSION).
 */
export { pushSegment } from './export/push/push-segment.js';
export { validateSegment } from './export/validate/validate-segment.js';
export { listLists } from './klaviyo/list-lists.js';
export { verifySegment } from './export/verify/verify-segment.js';
export { resolveConnection } from './klaviyo/connection.js';
export { acquireRunLock } from './state/run-lock.js';
export { startSandbox } from './sandbox/sandbox-server.js';
export { DEFAULT_SANDBOX_KEY } from './sandbox/sandbox-types.js';
export { REPORT_VERSION } from './report/run-summary.js';
export { renderSummaryText } from './report/render-summary-text.js';
export {
  AuthError,
  ExitCode,
  ExportError,
  InputFileError,
  InternalError,
  InterruptedError,
  KlaviyoApiError,
  LockedError,
  RemovalGuardError,
  SyncStateError,
  UsageError,
} from './errors.js';

export type { PushConfirmation, PushPorts, PushRequest, SubscribeRequest } from './export/plan/push-request.js';
export type { PushEvent, PushEventType, RemainingWork } from './export/events/push-events.js';
export type { SegmentRequest } from './export/plan/segment-request.js';
export type { ValidateEvent, ValidateRequest } from './export/validate/validate-segment.js';
export type { MaxRemovals } from './export/sync/sync-plan.js';
export type { MirrorSource } from './export/sync/sync-session.js';
export type { SyncSummary } from './report/sync-summary.js';
export type { ListListsRequest } from './klaviyo/list-lists.js';
export type { VerifyEvents, VerifyPlan, VerifyPorts, VerifyRequest } from './export/verify/verify-segment.js';
export type { VerifyOutcome, VerifySummary } from './report/verify-summary.js';
export type { KlaviyoConnection, ResolvedConnection } from './klaviyo/connection.js';
export type { LockOwner, RunLock, RunLockOptions } from './state/run-lock.js';
export type {
  SandboxHandle,
  SandboxKey,
  SandboxOptions,
  SandboxFaults,
  SandboxProfileConsent,
  SandboxSeedProfile,
  SandboxStats,
} from './sandbox/sandbox-types.js';
export type { KlaviyoList } from './klaviyo/klaviyo-client.js';
export type { CsvDelimiter, SegmentFormat, SegmentInput } from './source/source-record.js';
export type { ExitCodeValue } from './errors.js';
export type {
  DeliverySummary,
  JobSummary,
  LineList,
  MappingSummary,
  ReasonCount,
  ResumePlan,
  RunOutcome,
  RunSummary,
  SubscriptionSummary,
} from './report/run-summary.js';
export type { RowsOutput } from './report/rejects-csv.js';
export type { RejectKind, RejectKindCounts } from './report/rejects-written.js';
export type { ClientEvent } from './klaviyo/klaviyo-client.js';
