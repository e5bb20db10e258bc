import type { RunLock } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { foreignBaseUrlNotice, type Connection } from '../connection-options.js';
import { RunLog } from '../run-log.js';
import type { PushCommandOptions } from './push-options.js';

/** The push's log on stderr, opened with the notice of a base URL that is not Klaviyo's. */
export function openPushLog(context: CliContext, options: PushCommandOptions, connection: Connection): RunLog {
  const log = new RunLog({
    stderr: context.stderr,
    format: options.logFormat,
    isTerminal: context.isStderrTerminal,
    noColor: context.env.noColor,
    quiet: Boolean(options.quiet),
    verbose: options.verbose,
  });
  const foreignBaseUrl = foreignBaseUrlNotice(connection);
  if (foreignBaseUrl) log.notice('base-url', foreignBaseUrl, { baseUrl: connection.baseUrl, source: connection.baseUrlSource });
  return log;
}

/** Says so when the lock was taken over from a run that ended without finishing, or replaced a damaged one. */
export function logTakeover(log: RunLog, lock: RunLock, listId: string): void {
  const owner = lock.tookOverFrom;
  if (owner) {
    const message = `An earlier push to list ${listId} (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt}) ended without finishing; taking over its lock.`;
    log.event('lock-takeover', message, { pid: owner.pid, host: owner.host }, 'warn');
  } else if (lock.replacedUnreadableLock) {
    log.event('lock-takeover', `Replaced a damaged lock file (${lock.path}).`, { lock: lock.path }, 'warn');
  }
}
