import type { SegmentInput } from '../../source/source-record.js';
import type { ExitCodeValue } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { terminalConfirmation } from '../confirm-prompt.js';
import { pushLocked } from '../push/push-locked.js';
import { mirrorOf, stateDirOf, type PushCommandOptions } from '../push/push-options.js';
import { runValidate } from './validate-command.js';

/** `push`: the file delivered through the library (asking first on a terminal), or with --dry-run validated only. */
export async function runPush(context: CliContext, file: SegmentInput, options: PushCommandOptions): Promise<ExitCodeValue> {
  if (options.dryRun) {
    const mirror = mirrorOf(options);
    const sync = {
      stateDir: stateDirOf(context.cwd, context.env, options),
      mirror,
      changedOnly: options.changedOnly,
      maxRemovals: options.maxRemovals,
    };
    return runValidate(context, file, options, 'push', mirror || options.changedOnly ? sync : undefined);
  }
  return pushLocked(context, file, options, terminalConfirmation(context, options.yes));
}
