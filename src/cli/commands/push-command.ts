import { acquireRunLock, pushSegment, type ExitCodeValue } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { terminalConfirmation } from '../confirm-prompt.js';
import { connectionFromOptions } from '../connection-options.js';
import { processIdentity } from '../process-identity.js';
import { logTakeover, openPushLog } from '../push/push-log.js';
import { mirrorOf, stateDirOf, type PushCommandOptions } from '../push/push-options.js';
import { renderPushOutcome } from '../push/push-outcome.js';
import { pushRequestOf } from '../push/push-request-of.js';
import { PushEventLog } from '../push-event-log.js';
import { checkReportPath, consoleOutputOf } from '../run-outputs.js';
import { subscribeRequestOf } from '../subscribe-options.js';
import { runValidate } from './validate-command.js';

/** `push`: one push per list and state directory (the lock), through the library's pushSegment, rendered as the user asked. */
export async function runPush(context: CliContext, file: string, options: PushCommandOptions): Promise<ExitCodeValue> {
  const stateDir = stateDirOf(context.cwd, context.env, options);
  const mirror = mirrorOf(options);
  if (options.dryRun) {
    const sync = { stateDir, mirror, changedOnly: options.changedOnly, maxRemovals: options.maxRemovals };
    return runValidate(context, file, options, 'push', mirror || options.changedOnly ? sync : undefined);
  }
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
    const ports = { onEvent: events.render.bind(events), confirm: terminalConfirmation(context, options.yes) };
    return renderPushOutcome(context, await pushSegment(request, ports), { log, output }, options);
  } finally {
    events.close();
    await lock.release();
  }
}
