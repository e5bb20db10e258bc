import { createInterface } from 'node:readline/promises';
import type { PushPorts } from '../index.js';
import { formatCount } from '../report/render-summary-text.js';
import type { CliContext, TextSink } from './cli-context.js';

/** Asks a yes/no question on the terminal; anything but y/yes is a no. */
export async function confirmOnTerminal(
  question: string,
  stdin: NodeJS.ReadableStream,
  stderr: TextSink,
  signal: AbortSignal,
): Promise<boolean> {
  const prompt = createInterface({ input: stdin, output: stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = await prompt.question(`${question} [y/N] `, { signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    prompt.close();
  }
}

/** On a terminal and without --yes, a push says what it will do and asks; cron and CI are never asked. */
export function terminalConfirmation(context: CliContext, yes: boolean | undefined): PushPorts['confirm'] {
  if (yes || !context.isStdinTerminal || !context.isStderrTerminal) return undefined;
  return (question, signal) => {
    const account = question.accountName === undefined ? '' : `account "${question.accountName}", `;
    return confirmOnTerminal(
      `About to add ${formatCount(question.profiles)} profiles to ${account}list "${question.listName}" (${question.listId}). Continue?`,
      context.stdin,
      context.stderr,
      signal,
    );
  };
}
