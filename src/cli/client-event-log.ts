import type { ClientEvent } from '../klaviyo/klaviyo-client.js';
import { OPERATIONS, type Operation } from '../klaviyo/operations.js';
import type { LogFields, RunLog } from './run-log.js';
import type { PushEvent } from '../index.js';
import { WaitReport, formatWait } from './wait-report.js';

/** The HTTP client's events as a push, verify, lists or check forwards them. */
export type RequestLevelEvent = Extract<PushEvent, { type: 'paced' | 'throttled' | 'retry' | 'request' }>;

/**
 * What the client does, for a person and for log shippers: waits of a second or two and more in
 * plain words (aggregated, see WaitReport), each wait and retry as a debug event, and with
 * --verbose every request with its answer and time.
 */
export class ClientEventLog {
  readonly #log: RunLog;
  readonly #isVerbose: boolean;
  readonly waits: WaitReport;

  constructor(log: RunLog, options: { verbose: boolean; now?: () => number }) {
    this.#log = log;
    this.#isVerbose = options.verbose;
    this.waits = new WaitReport({
      write: (line) => log.event(line.event, line.message, line.fields),
      now: options.now ?? Date.now,
      setTimer: (run, ms) => {
        const timer = setTimeout(run, ms);
        timer.unref();
        return () => clearTimeout(timer);
      },
    });
  }

  render(event: RequestLevelEvent): void {
    const log = this.#log;
    const purpose = operationOf(event.operation)?.purpose ?? event.operation;
    switch (event.type) {
      case 'request': {
        if (!this.#isVerbose) return;
        const method = operationOf(event.operation)?.method ?? '';
        const answer = event.status === undefined ? `no answer (${event.errorCode ?? 'error'})` : `HTTP ${event.status}`;
        return log.event('request', `${method} ${purpose}: ${answer} in ${event.ms} ms.`.trimStart(), fieldsOf(event), 'debug');
      }
      case 'paced':
        this.waits.add(event);
        return log.event('paced', `Rate limit: ${purpose} waits ${formatWait(event.waitMs)}.`, fieldsOf(event), 'debug');
      case 'throttled':
        this.waits.add(event);
        return log.event(
          'throttled',
          `Klaviyo asked to slow down (${event.operation}); waiting ${Math.ceil(event.retryAfterMs / 1000)} s.`,
          fieldsOf(event),
          'debug',
        );
      case 'retry':
        this.waits.add(event);
        return log.event(
          'retry',
          `Retrying ${event.operation} (attempt ${event.attempt + 1}) in ${formatWait(event.delayMs)} after ${event.reason}.`,
          fieldsOf(event),
          'debug',
        );
    }
  }

  close(): void {
    this.waits.close();
  }
}

/** For commands that only forward the client's events (verify, lists, check). */
export function clientEventsOf(log: ClientEventLog): (event: ClientEvent) => void {
  return (event) => log.render(event);
}

function operationOf(id: string): Operation | undefined {
  return Object.hasOwn(OPERATIONS, id) ? (OPERATIONS as Record<string, Operation>)[id] : undefined;
}

function fieldsOf(event: RequestLevelEvent): LogFields {
  const { type: _type, ...fields } = event;
  return fields;
}
