import { ExitCode, InterruptedError, type ExitCodeValue } from '../errors.js';
import type { CliContext } from './cli-context.js';

/** After a stop is asked for, in-flight requests get this long to end before they are cut. */
const IN_FLIGHT_GRACE_MS = 15_000;

export interface StopSignals {
  /** Stop starting work: SIGINT/SIGTERM or the --timeout deadline. */
  readonly soft: AbortSignal;
  /** Cut in-flight requests: a second signal, or the grace period after the first. */
  readonly hard: AbortSignal;
  /** 130 for a signal, 1 for the deadline (CI reads it as "not everything delivered"). */
  exitCode(): ExitCodeValue;
  /** Why the run was asked to stop, if it was. */
  stopReason(): 'signal' | 'deadline' | undefined;
  dispose(): void;
}

export function createStopSignals(context: CliContext, timeoutMs: number | undefined): StopSignals {
  const deadline = new AbortController();
  const grace = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  if (timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => deadline.abort(new InterruptedError(`The --timeout deadline passed; stopped.`, ExitCode.notDelivered)), timeoutMs),
    );
  }
  const soft = AbortSignal.any([context.signal, deadline.signal]);
  const hard = AbortSignal.any([context.hardSignal, grace.signal]);
  soft.addEventListener(
    'abort',
    () => {
      timers.push(setTimeout(() => grace.abort(soft.reason), IN_FLIGHT_GRACE_MS));
    },
    { once: true },
  );
  return {
    soft,
    hard,
    exitCode: () => (deadline.signal.aborted && !context.signal.aborted ? ExitCode.notDelivered : ExitCode.interrupted),
    stopReason: () => (context.signal.aborted ? 'signal' : deadline.signal.aborted ? 'deadline' : undefined),
    dispose: () => timers.forEach(clearTimeout),
  };
}
