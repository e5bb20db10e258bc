import type { SegmentInput } from '../../source/source-record.js';
import { acquireRunLock, pushSegment, type ExitCodeValue, type PushPorts } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { connectionFromOptions } from '../connection-options.js';
import { processIdentity } from '../process-identity.js';
import { PushEventLog } from '../push-event-log.js';
import { checkReportPath, consoleOutputOf } from '../run-outputs.js';
import { subscribeRequestOf } from '../subscribe-options.js';
import { logTakeover, openPushLog } from './push-log.js';
import { stateDirOf, type PushCommandOptions } from './push-options.js';
import { renderPushOutcome } from './push-outcome.js';
import { pushRequestOf } from './push-request-of.js';

/**
 * One push through the library's pushSegment, for `push` and for each saved export of `run`: the
 * options checked before anything is sent, the lock for the list and state directory held while
 * it runs, its events on the log, its summary rendered into the exit code.
 */
export async function pushLocked(
  context: CliContext,
  file: SegmentInput,
  options: PushCommandOptions,
  confirm: PushPorts['confirm'],
): Promise<ExitCodeValue> {
  const stateDir = stateDirOf(context.cwd, context.env, options);
  const subscribe = subscribeRequestOf(options);
  const connection = connectionFromOptions(context, options);
  const output = consoleOutputOf(context, options);
  const log = openPushLog(context, options, connection);
  checkReportPath(context, options.report, file);
  const lock = await acquireRunLock(stateDir, options.list, processIdentity());
  logTakeover(log, lock, options.list);
  const events = new PushEventLog(log, { verbose: options.verbose });
  try {
    const request = pushRequestOf(context, file, options, { connection, stateDir, subscribe });
    const summary = await pushSegment(request, { onEvent: events.render.bind(events), confirm });
    return renderPushOutcome(context, summary, { log, output }, options);
  } finally {
    events.close();
    await lock.release();
  }
}
