import { scrub } from './privacy/scrub.js';

/**
 * Every error that reaches the user is an ExportError: one sentence that says what happened and
 * who must act, plus the exit code that cron jobs and CI pipelines branch on (see docs/exit-codes.md).
 */
export const ExitCode = {
  success: 0,
  notDelivered: 1,
  usage: 2,
  auth: 3,
  locked: 4,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class ExportError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** The command line is wrong: an unknown option, a bad value, a mapping that names no column. */
export class UsageError extends ExportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** The segment file cannot be read as a whole: the user must fix the file. Nothing was sent. */
export class InputFileError extends ExportError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(file: string, location: { line?: number; column?: number }, reason: string, options?: { cause?: unknown }) {
    const where = [
      file,
      location.line === undefined ? undefined : `line ${location.line}`,
      location.column === undefined ? undefined : `column ${location.column}`,
    ]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${reason}`, ExitCode.usage, options);
    this.file = file;
    this.line = location.line;
    this.column = location.column;
  }
}

/**
 * A file with no bytes (after decompression). Alone it is refused like any unreadable file; as one
 * part of several it is a part without rows (warehouses and Spark write empty parts).
 */
export class EmptyFileError extends InputFileError {
  constructor(file: string) {
    super(file, {}, 'the file is empty');
  }
}

/** Klaviyo refused the key, its scopes or the list: the user must fix the connection. Nothing was sent. */
export class AuthError extends ExportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.auth, options);
  }
}

/** Klaviyo answered in a way that ends the run (after retries): the user may retry later. */
export class KlaviyoApiError extends ExportError {
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, ExitCode.notDelivered, options);
    this.status = status;
  }
}

/**
 * A local failure (disk full, an unreadable staged body, a checkpoint that cannot be written) after
 * uploads had begun, as one sentence: some profiles may be in Klaviyo already, so the run reports
 * what it delivered (exit 1), never "nothing sent" (2).
 */
export function describeDeliveryStop(cause: unknown): string {
  return `Stopped after uploads had begun, on a local failure: ${describeLocalFailure(cause)}. The requests in flight were allowed to end and the checkpoint is kept: fix the cause and run the same command again to resume.`;
}

function describeLocalFailure(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const known: Record<string, string> = {
    ENOSPC: 'the disk is full (ENOSPC)',
    EROFS: 'the file system is read-only (EROFS)',
    EACCES: 'permission denied (EACCES)',
    EPERM: 'operation not permitted (EPERM)',
    ENOENT: 'a staged request body or the checkpoint disappeared (ENOENT)',
    EIO: 'an input/output error (EIO)',
  };
  if (code !== undefined && known[code] !== undefined) return known[code];
  return cause instanceof Error ? cause.message.replace(/\.$/, '') : String(cause);
}

/** Another run holds the lock for this list and state directory. */
export class LockedError extends ExportError {
  constructor(message: string) {
    super(message, ExitCode.locked);
  }
}

/** The run was stopped by SIGINT/SIGTERM or its --timeout deadline. */
export class InterruptedError extends ExportError {
  constructor(message = 'Interrupted.', exitCode: ExitCodeValue = ExitCode.interrupted) {
    super(message, exitCode);
  }
}

/** A bug in klaviyo-export itself. */
export class InternalError extends ExportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      `${message} This is a bug in klaviyo-export; please report it with the command you ran (without the API key).`,
      ExitCode.internal,
      options,
    );
  }
}

/**
 * A mistake in klaviyo-export's own code (a TypeError, a ReferenceError, a RangeError, an
 * InternalError), not this machine's disk nor Klaviyo's answer: it ends the run with exit 70 and a
 * request for a bug report, never as a local failure to fix and resume.
 */
export function isProgrammingError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError || error instanceof InternalError;
}

const MAX_BUG_DETAIL = 200;

/**
 * The one line a bug ends with (exit 70): what was thrown and where, without personal data. A
 * message may quote a value (`"ann@example.com" is not valid JSON`): quoted text in double quotes
 * and email addresses are left out. The caller removes the API key (redactSecret).
 */
export function describeBug(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = scrub(raw.replace(/"[^"]*"/g, '"…"').replace(/\s+/g, ' ')).trim();
  const detail = message.length > MAX_BUG_DETAIL ? `${message.slice(0, MAX_BUG_DETAIL)}…` : message;
  const where = error instanceof Error ? locationOf(error.stack) : undefined;
  return `klaviyo-export stopped on a programming error (${name}${detail === '' ? '' : `: ${detail}`}${where === undefined ? '' : `, at ${where}`}); this is a bug, please report it with the command you ran (without the API key).`;
}

/** The first frame of klaviyo-export's own code, from its package folder on: `dist/export/x.js:12:5`. */
function locationOf(stack: string | undefined): string | undefined {
  for (const line of stack?.split('\n').slice(1) ?? []) {
    const match = /((?:dist|src)\/[^\s():]+\.[cm]?[jt]s(?:\?[^\s():]*)?):(\d+):(\d+)/.exec(line);
    if (match && !line.includes('node_modules')) return `${match[1]!.replace(/\?.*$/, '')}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

/** One entry of a JSON:API `errors[]`, reduced to what a person or the pipeline can act on. */
export interface ApiErrorObject {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
  pointer?: string;
  parameter?: string;
}

/** A request Klaviyo answered, or could not be reached for, after every retry. */
export class KlaviyoRequestError extends KlaviyoApiError {
  readonly method: string;
  readonly path: string;
  readonly attempts: number;
  readonly errors: readonly ApiErrorObject[];

  constructor(details: {
    message: string;
    method: string;
    path: string;
    status: number | undefined;
    attempts: number;
    errors: readonly ApiErrorObject[];
  }) {
    super(details.message, details.status);
    this.method = details.method;
    this.path = details.path;
    this.attempts = details.attempts;
    this.errors = details.errors;
  }
}

/** --mirror's guard refused the run (more removals than --max-removals allows): nothing was sent or removed (exit 2). */
export class RemovalGuardError extends UsageError {
  readonly planned: number;
  readonly limit: number;
  readonly knownMembers: number;

  /** `message`: describeRemovalRefusal's sentence (src/export/sync/sync-plan.ts). */
  constructor(refusal: { planned: number; limit: number; knownMembers: number }, message: string) {
    super(message);
    this.planned = refusal.planned;
    this.limit = refusal.limit;
    this.knownMembers = refusal.knownMembers;
  }
}

/** A sync state that cannot be used: one sentence naming the file and what to do. */
export class SyncStateError extends UsageError {}

/** A consent journal that cannot be used: one sentence naming the file and what to do. */
export class ConsentJournalError extends UsageError {}

/** The job was not final after `jobTimeoutMs`: an outcome (its profiles are unconfirmed), not a failure. */
export class JobTimeoutError extends Error {
  readonly jobId: string;

  constructor(jobId: string, timeoutMs: number) {
    super(`Klaviyo's import job ${jobId} was not finished after ${Math.round(timeoutMs / 1000)} s.`);
    this.name = 'JobTimeoutError';
    this.jobId = jobId;
  }
}

export type CsvSyntaxErrorCode = 'QUOTE_NOT_CLOSED' | 'RECORD_TOO_LONG' | 'QUOTE_IN_UNQUOTED_FIELD' | 'TEXT_AFTER_CLOSING_QUOTE';

/** A CDM model.json or manifest that is not as the format says, with the JSON path of what is wrong; the caller names the file. */
export class CdmMetadataError extends Error {}

/** A Parquet column chunk's page that cannot be read, and its first row (0-based in its row group); the reader names the file. */
export class ColumnPageError extends Error {
  readonly row: number;

  constructor(row: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ColumnPageError';
    this.row = row;
  }
}

/** A malformed CSV; the reader turns it into an InputFileError sentence. */
export class CsvSyntaxError extends Error {
  readonly code: CsvSyntaxErrorCode;
  /** QUOTE_NOT_CLOSED, RECORD_TOO_LONG: where the record starts; otherwise where the fault is. */
  readonly line: number;
  /** 0-based index of the faulty field, for the two quote errors. */
  readonly fieldIndex: number | undefined;
  /** 1-based byte column of the faulty character on `line`, for the two quote errors. */
  readonly column: number | undefined;
  /** RECORD_TOO_LONG: whether the record was inside an open quote when the limit was passed. */
  readonly isInsideQuotes: boolean;

  constructor(code: CsvSyntaxErrorCode, line: number, details: { fieldIndex?: number; column?: number; isInsideQuotes?: boolean } = {}) {
    super(`${code} at line ${line}`);
    this.name = 'CsvSyntaxError';
    this.code = code;
    this.line = line;
    this.fieldIndex = details.fieldIndex;
    this.column = details.column;
    this.isInsideQuotes = details.isInsideQuotes ?? false;
  }
}
