import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExitCode, InterruptedError } from '../errors.js';
import { confirmOnTerminal } from './confirm-prompt.js';

function terminal() {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let shown = '';
  stderr.setEncoding('utf8').on('data', (text: string) => (shown += text));
  return { stdin, stderr, shown: () => shown };
}

describe('confirmOnTerminal', () => {
  it.each([
    ['y\n', true],
    ['YES\n', true],
    ['n\n', false],
    ['\n', false],
    ['maybe\n', false],
  ])('answer %j -> %s', async (typed, expected) => {
    const { stdin, stderr, shown } = terminal();
    const answer = confirmOnTerminal('Push?', stdin, stderr, new AbortController().signal);
    stdin.write(typed);
    await expect(answer).resolves.toBe(expected);
    expect(shown()).toContain('Push? [y/N]');
  });

  it('takes a closed terminal (end of input) as a no', async () => {
    const { stdin, stderr } = terminal();
    const answer = confirmOnTerminal('Push?', stdin, stderr, new AbortController().signal);
    stdin.end();
    await expect(answer).resolves.toBe(false);
  });

  it('ends the run as interrupted (exit 130) on Ctrl-C at the prompt, not as a declined push', async () => {
    const { stdin, stderr } = terminal();
    const answer = confirmOnTerminal('Push?', stdin, stderr, new AbortController().signal);
    stdin.write('\x03');
    const error: unknown = await answer.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(ExitCode.interrupted);
    expect((error as InterruptedError).message).toMatch(/Ctrl-C at the confirmation prompt; nothing was sent/);
  });

  it('ends the run as interrupted when a stop signal arrives while it waits', async () => {
    const { stdin, stderr } = terminal();
    const stop = new AbortController();
    const answer = confirmOnTerminal('Push?', stdin, stderr, stop.signal);
    stop.abort(new InterruptedError('Interrupted by SIGTERM (send it again to stop at once).'));
    await expect(answer).rejects.toThrow('Interrupted by SIGTERM');
  });
});
