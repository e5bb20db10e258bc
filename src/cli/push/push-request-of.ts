import type { SegmentInput } from '../../source/source-record.js';
import type { PushRequest, SubscribeRequest } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { connectionValues, type Connection } from '../connection-options.js';
import { segmentRequestOf } from '../segment-options.js';
import { mirrorOf, type PushCommandOptions } from './push-options.js';

/** The library's push request for what the command line (or a saved export) asks. */
export function pushRequestOf(
  context: CliContext,
  file: SegmentInput,
  options: PushCommandOptions,
  resolved: { connection: Connection; stateDir: string; subscribe: SubscribeRequest | undefined },
): PushRequest {
  return {
    ...segmentRequestOf(context, file, options),
    listId: options.list,
    connection: connectionValues(resolved.connection),
    stateDir: resolved.stateDir,
    wait: options.wait,
    restart: options.restart,
    timeoutMs: options.timeout,
    jobTimeoutMs: options.jobTimeout,
    hardSignal: context.hardSignal,
    subscribe: resolved.subscribe,
    mirror: mirrorOf(options),
    changedOnly: options.changedOnly,
    maxRemovals: options.maxRemovals,
  };
}
