import { createInterface } from 'node:readline';
import { InterruptedError } from '../errors.js';
import type { TextSink } from './cli-context.js';

/** Questions on the terminal, one at a time; the seam that `init`'s tests replace with scripted answers. */
export interface Prompter {
  /** The trimmed answer, or `defaultAnswer` for an empty one. */
  ask(question: string, defaultAnswer?: string): Promise<string>;
  close(): void;
}

/**
 * Lines are queued as they arrive, so that an answer typed (or pasted) ahead of its question is
 * kept, not dropped. Ctrl-C, Ctrl-D or the end of the input stop the questions (exit 130).
 */
export function createTerminalPrompter(stdin: NodeJS.ReadableStream, stderr: TextSink, signal: AbortSignal): Prompter {
  const isTerminal = Boolean((stdin as { isTTY?: boolean }).isTTY);
  const prompt = createInterface({ input: stdin, output: stderr as NodeJS.WritableStream, terminal: isTerminal });
  const lines: string[] = [];
  let waiting: { resolve: (line: string) => void; reject: (reason: unknown) => void } | undefined;
  let stopReason: Error | undefined;
  const stop = (reason: Error) => {
    stopReason ??= reason;
    waiting?.reject(stopReason);
    waiting = undefined;
  };
  prompt.on('line', (line: string) => {
    if (waiting) {
      waiting.resolve(line);
      waiting = undefined;
    } else lines.push(line);
  });
  // In raw mode Ctrl-C reaches readline, not the process.
  prompt.on('SIGINT', () => stop(new InterruptedError('Interrupted by Ctrl-C; nothing was written.')));
  prompt.on('close', () => stop(new InterruptedError('The input ended before every question was answered; nothing was written.')));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (stopReason !== undefined) reject(stopReason);
      else waiting = { resolve, reject };
    });
  const onAbort = () => stop(signal.reason instanceof Error ? signal.reason : new InterruptedError());
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    async ask(question, defaultAnswer) {
      prompt.setPrompt(`${question}${defaultAnswer ? ` [${defaultAnswer}]` : ''}: `);
      prompt.prompt();
      const answer = lines.shift() ?? (await nextLine());
      if (!isTerminal) stderr.write('\n');
      return answer.trim() || (defaultAnswer ?? '');
    },
    close: () => {
      signal.removeEventListener('abort', onAbort);
      prompt.close();
    },
  };
}
