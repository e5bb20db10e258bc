import { createInterface } from 'node:readline/promises';
import { InterruptedError } from '../errors.js';
import type { TextSink } from './cli-context.js';

/** Questions on the terminal, one at a time; the seam that `init`'s tests replace with scripted answers. */
export interface Prompter {
  /** The trimmed answer, or `defaultAnswer` for an empty one. */
  ask(question: string, defaultAnswer?: string): Promise<string>;
  close(): void;
}

export function createTerminalPrompter(stdin: NodeJS.ReadableStream, stderr: TextSink, signal: AbortSignal): Prompter {
  const prompt = createInterface({ input: stdin, output: stderr as NodeJS.WritableStream, terminal: true });
  // In raw mode Ctrl-C reaches readline, not the process: without this, the question would just pause.
  const ctrlC = new AbortController();
  prompt.on('SIGINT', () => ctrlC.abort(new InterruptedError('Interrupted by Ctrl-C.')));
  const stop = AbortSignal.any([signal, ctrlC.signal]);
  return {
    async ask(question, defaultAnswer) {
      try {
        const answer = await prompt.question(`${question}${defaultAnswer ? ` [${defaultAnswer}]` : ''}: `, { signal: stop });
        return answer.trim() || (defaultAnswer ?? '');
      } catch (error) {
        // The run's own reason (an InterruptedError, exit 130), not readline's AbortError.
        if (stop.aborted) throw stop.reason;
        throw error;
      }
    },
    close: () => prompt.close(),
  };
}
