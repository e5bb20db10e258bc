import { createInterface } from 'node:readline/promises';
import type { TextSink } from './cli-context.js';

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
