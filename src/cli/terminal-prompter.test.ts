import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../errors.js';
import { createTerminalPrompter } from './terminal-prompter.js';

describe('createTerminalPrompter', () => {
  it('shows each question with its default, keeps answers typed ahead, and stops when the input ends', async () => {
    const stdin = new PassThrough();
    let shown = '';
    const prompter = createTerminalPrompter(stdin, { write: (text: string) => (shown += text) }, new AbortController().signal);
    stdin.write('shop\n\n');
    stdin.end('yes\n');
    expect(await prompter.ask('Connection name', 'main')).toBe('shop');
    expect(await prompter.ask('Variable', 'KLAVIYO_API_KEY')).toBe('KLAVIYO_API_KEY');
    expect(await prompter.ask('Do you agree? (yes/no)', 'no')).toBe('yes');
    await expect(prompter.ask('List')).rejects.toBeInstanceOf(InterruptedError);
    prompter.close();
    expect(shown).toContain('Connection name [main]: ');
    expect(shown).toContain('Variable [KLAVIYO_API_KEY]: ');
  });

  it('stops a pending question when the run is interrupted', async () => {
    const stdin = new PassThrough();
    const interrupt = new AbortController();
    const prompter = createTerminalPrompter(stdin, { write: () => true }, interrupt.signal);
    const pending = prompter.ask('Connection name', 'main');
    interrupt.abort(new InterruptedError('Interrupted by SIGTERM.'));
    await expect(pending).rejects.toThrow('Interrupted by SIGTERM.');
    prompter.close();
  });
});
