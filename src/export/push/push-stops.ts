import { setMaxListeners } from 'node:events';
import { ExitCode, InterruptedError } from '../../errors.js';

/** After a stop is asked for, in-flight requests get this long to end before they are cut. */
const IN_FLIGHT_GRACE_MS = 15_000;
/** Every request waiting for its rate limiter listens to the stops: the consent step keeps dozens waiting, past Node's warning at 10. */
const SIGNAL_LISTENERS = 200;

export interface PushStops {
  /** Stop starting work: the caller's signal or the deadline. */
  readonly soft: AbortSignal;
  /** Cut in-flight requests: the caller's hard signal, or the grace period after the soft stop. */
  readonly hard: AbortSignal;
  /** Why the run was asked to stop, if it was. */
  stopReason(): 'signal' | 'deadline' | undefined;
  dispose(): void;
}

export function createPushStops(
  signal: AbortSignal | undefined,
  hardSignal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): PushStops {
  const deadline = new AbortController();
  const grace = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  if (timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => deadline.abort(new InterruptedError(`The --timeout deadline passed; stopped.`, ExitCode.notDelivered)), timeoutMs),
    );
  }
  const soft = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  const hard = hardSignal ? AbortSignal.any([hardSignal, grace.signal]) : grace.signal;
  setMaxListeners(SIGNAL_LISTENERS, soft, hard);
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
    stopReason: () => (signal?.aborted ? 'signal' : deadline.signal.aborted ? 'deadline' : undefined),
    dispose: () => timers.forEach(clearTimeout),
  };
}

/** The error a stopped run ends with when it cannot return a summary (stopped before delivery). */
export function stopError(soft: AbortSignal): InterruptedError {
  return soft.reason instanceof InterruptedError ? soft.reason : new InterruptedError('The run was stopped.');
}
