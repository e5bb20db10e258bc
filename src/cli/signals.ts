import { InterruptedError } from '../errors.js';

export interface InterruptSignals {
  /** Aborted on the first SIGINT/SIGTERM/SIGHUP: stop starting work, finish what is in flight. */
  readonly signal: AbortSignal;
  /** Aborted on the second: stop now. */
  readonly hardSignal: AbortSignal;
  dispose(): void;
}

/**
 * SIGHUP too: a closed terminal or ssh session must end a push the way Ctrl-C does (report
 * written, checkpoint kept), not kill it mid-request as Node's default would.
 */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Turns SIGINT/SIGTERM/SIGHUP into AbortSignals; the only place that listens to process signals. */
export function listenForInterrupts(): InterruptSignals {
  const soft = new AbortController();
  const hard = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (!soft.signal.aborted) {
      soft.abort(new InterruptedError(`Interrupted by ${name} (send it again to stop at once).`));
    } else {
      hard.abort(new InterruptedError(`Interrupted by a second ${name}.`));
    }
  };
  for (const name of STOP_SIGNALS) process.on(name, handler);
  return {
    signal: soft.signal,
    hardSignal: hard.signal,
    dispose: () => {
      for (const name of STOP_SIGNALS) process.off(name, handler);
    },
  };
}
