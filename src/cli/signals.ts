import { InterruptedError } from '../errors.js';

export interface InterruptSignals {
  /** Aborted on the first SIGINT/SIGTERM: stop starting work, finish what is in flight. */
  readonly signal: AbortSignal;
  /** Aborted on the second: stop now. */
  readonly hardSignal: AbortSignal;
  dispose(): void;
}

/** Turns SIGINT/SIGTERM into AbortSignals; the only place that listens to process signals. */
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
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: soft.signal,
    hardSignal: hard.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
