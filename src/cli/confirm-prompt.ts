import { createInterface } from 'node:readline/promises';
import { InterruptedError } from '../errors.js';
import type { PushConfirmation, PushPorts } from '../index.js';
import { formatCount } from '../report/render-summary-text.js';
import type { CliContext, TextSink } from './cli-context.js';
import { describeDoubleOptIn } from '../report/render-subscription-text.js';

/**
 * Asks a yes/no question on the terminal; anything but y/yes is a no. Ctrl-C at the prompt (the
 * terminal is in raw mode there, so it reaches readline as a key, not as a signal) and a stop
 * signal while waiting both end the run as interrupted (exit 130), not as a declined push.
 */
export async function confirmOnTerminal(
  question: string,
  stdin: NodeJS.ReadableStream,
  stderr: TextSink,
  signal: AbortSignal,
): Promise<boolean> {
  const prompt = createInterface({ input: stdin, output: stderr as NodeJS.WritableStream, terminal: true });
  const interrupted = new AbortController();
  prompt.on('SIGINT', () => {
    stderr.write('\n');
    interrupted.abort(new InterruptedError('Interrupted by Ctrl-C at the confirmation prompt; nothing was sent.'));
  });
  // A terminal that closes leaves readline's question pending forever: no answer is a no.
  const closed = new AbortController();
  prompt.once('close', () => closed.abort());
  try {
    const answer = await prompt.question(`${question} [y/N] `, { signal: AbortSignal.any([signal, interrupted.signal, closed.signal]) });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    for (const stop of [interrupted.signal, signal]) {
      if (stop.aborted && stop.reason instanceof InterruptedError) throw stop.reason;
    }
    if (signal.aborted) throw new InterruptedError('Interrupted at the confirmation prompt; nothing was sent.');
    return false; // the terminal closed (end of input): no answer is a no
  } finally {
    prompt.close();
  }
}

/** On a terminal and without --yes, a push says what it will do and asks; cron and CI are never asked. */
export function terminalConfirmation(context: CliContext, yes: boolean | undefined): PushPorts['confirm'] {
  if (yes || !context.isStdinTerminal || !context.isStderrTerminal) return undefined;
  return (question, signal) => {
    const account = question.accountName === undefined ? '' : `account "${question.accountName}", `;
    const doubleOptIn = question.confirmationEmails > 0 ? ` ${describeDoubleOptIn(question.listName, question.confirmationEmails)}` : '';
    return confirmOnTerminal(
      `About to add ${formatCount(question.profiles)} profiles${describeChanges(question.changes)} to ${account}list "${question.listName}" (${question.listId})${question.removals > 0 ? ` and then remove ${formatCount(question.removals)} members from it` : ''}.${doubleOptIn} Continue?`,
      context.stdin,
      context.stderr,
      signal,
    );
  };
}

function describeChanges(changes: PushConfirmation['changes']): string {
  if (changes === undefined) return '';
  const skipped =
    changes.skipped > 0 ? `, ${formatCount(changes.skipped)} unchanged not sent` : `, ${formatCount(changes.unchanged)} unchanged`;
  return ` (${formatCount(changes.added)} new, ${formatCount(changes.updated)} updated${skipped})`;
}
