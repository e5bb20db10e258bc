import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The CLI only parses, renders and maps exit codes (STYLE.md): a command file past 100 lines is
// doing work that belongs in a module of its own (src/cli/<topic>/ or the library).
const COMMANDS_DIR = join('src', 'cli', 'commands');
const MAX_LINES = 99;

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

describe('command files', () => {
  const files = readdirSync(COMMANDS_DIR).filter((name) => name.endsWith('.ts') && !/\.test(?:-support)?\.ts$/.test(name));

  it('are there to measure', () => {
    expect(files).toEqual(expect.arrayContaining(['push-command.ts', 'run-command.ts', 'sandbox-command.ts', 'init-command.ts']));
  });

  it('each stay under 100 lines', () => {
    const tooLong = files
      .map((name) => ({ name, lines: lineCount(readFileSync(join(COMMANDS_DIR, name), 'utf8')) }))
      .filter((file) => file.lines > MAX_LINES)
      .map((file) => `${file.name}: ${file.lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
