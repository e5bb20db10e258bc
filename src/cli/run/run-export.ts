import type { SegmentInput } from '../../source/source-record.js';
import type { Secret } from '../../config/secret.js';
import { redactSecret } from '../../config/secret.js';
import { describeBug, ExitCode, ExportError, InterruptedError, type ExitCodeValue } from '../../errors.js';
import { REPORT_VERSION } from '../../report/run-summary.js';
import type { CliContext } from '../cli-context.js';
import { CapturedSink, PrefixedSink } from '../prefixed-sink.js';
import { pushLocked } from '../push/push-locked.js';
import type { PushCommandOptions } from '../push/push-options.js';

/** One saved export, ready to run: the push options its entry stands for, and its key. */
export interface ExportRequest {
  readonly name: string;
  readonly file: SegmentInput;
  readonly options: PushCommandOptions;
  readonly apiKey: Secret;
  /** The config file's directory: push's default state directory is resolved against it. */
  readonly directory: string;
}

export interface ExportResult {
  readonly name: string;
  readonly exitCode: ExitCodeValue;
  /** With --json: the push's JSON summary, or the failure object `push --json` would print. */
  readonly json: unknown;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/**
 * Runs one export through the library's pushSegment exactly as `push` with the same options does
 * (pushLocked), in the export's surroundings: relative paths from the config file's directory,
 * the key of its connection, its output labelled with its name (or, with --json, captured).
 */
export async function runExport(context: CliContext, request: ExportRequest): Promise<ExportResult> {
  const startedAt = new Date();
  const isJson = Boolean(request.options.json);
  const stdout = isJson ? new CapturedSink() : new PrefixedSink(context.stdout, request.name);
  const stderr = new PrefixedSink(context.stderr, request.name);
  const exportContext: CliContext = {
    ...context,
    cwd: request.directory,
    env: { ...context.env, apiKey: request.apiKey },
    stdout,
    stderr,
    // Exports run side by side: no live progress line to redraw, and no question to ask.
    isStdinTerminal: false,
    isStderrTerminal: false,
  };
  let exitCode: ExitCodeValue;
  let failure: string | undefined;
  try {
    // A saved export is never a dry run and always runs with --yes: no question to ask.
    exitCode = await pushLocked(exportContext, request.file, { ...request.options, apiKey: undefined }, undefined);
  } catch (error) {
    const interruption: unknown = context.signal.aborted ? context.signal.reason : undefined;
    const known = error instanceof ExportError ? error : interruption instanceof InterruptedError ? interruption : undefined;
    failure = redactSecret(redactSecret(known?.message ?? describeBug(error), request.apiKey), context.env.apiKey);
    exitCode = known?.exitCode ?? ExitCode.internal;
    stderr.write(
      request.options.logFormat === 'json'
        ? `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', event: 'error', message: failure, exitCode })}\n`
        : `error: ${failure}\n`,
    );
  }
  stderr.flush();
  if (stdout instanceof PrefixedSink) stdout.flush();
  const json = isJson ? jsonResultOf(stdout instanceof CapturedSink ? stdout.text : '', exitCode, failure) : undefined;
  return { name: request.name, exitCode, json, startedAt, finishedAt: new Date() };
}

function jsonResultOf(text: string, exitCode: ExitCodeValue, failure: string | undefined): unknown {
  if (failure === undefined && text.trim() !== '') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not one object: reported as a failure below.
    }
  }
  return { version: REPORT_VERSION, outcome: 'failed', exitCode, error: failure ?? 'The export printed no summary.' };
}
