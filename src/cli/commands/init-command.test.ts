import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/export-config.js';
import { ExitCode } from '../../errors.js';
import { startSandbox, type SandboxHandle } from '../../sandbox/sandbox-server.js';
import type { CliContext } from '../cli-context.js';
import { exportOptionSpecs } from '../export-options.js';
import type { Prompter } from '../terminal-prompter.js';
import { runInit } from './init-command.js';

const KEY = 'pk_init_test_key_0123456789abcdef';

let sandbox: SandboxHandle;
let dir: string;
beforeEach(async () => {
  sandbox = await startSandbox({
    keys: [{ key: KEY, scopes: 'all' }],
    lists: [
      { id: 'Y6nRLr', name: 'VIP' },
      { id: 'B2bLst', name: 'B2B' },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'kx-init-'));
  writeFileSync(join(dir, 'vip.csv'), 'Email Address,First Name,Surname,City,Tier\na@example.com,Ann,Lee,Oslo,gold\n');
});
afterEach(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Answers in order; records each question (and the default it offered). */
class ScriptedPrompter implements Prompter {
  readonly questions: string[] = [];
  readonly #answers: string[];
  isClosed = false;

  constructor(answers: string[]) {
    this.#answers = [...answers];
  }

  ask(question: string, defaultAnswer?: string): Promise<string> {
    this.questions.push(`${question} [${defaultAnswer ?? ''}]`);
    const answer = this.#answers.shift();
    if (answer === undefined) throw new Error(`No answer scripted for "${question}"`);
    return Promise.resolve(answer.trim() || (defaultAnswer ?? ''));
  }

  close(): void {
    this.isClosed = true;
  }
}

function contextFor(variables: Record<string, string>): CliContext & { errText: () => string } {
  let err = '';
  const signal = new AbortController().signal;
  return {
    cwd: dir,
    env: {
      apiKey: undefined,
      baseUrl: sandbox.url,
      revision: undefined,
      stateDir: undefined,
      noColor: true,
      configPath: undefined,
      variable: (name) => variables[name],
    },
    stdin: Readable.from([]),
    stdout: { write: () => true },
    stderr: { write: (text: string) => (err += text) },
    isStdinTerminal: true,
    isStderrTerminal: true,
    signal,
    hardSignal: signal,
    version: 'test',
    errText: () => err,
  };
}

const NOW = () => new Date('2026-11-30T10:00:00Z');

describe('init', () => {
  it('checks the key, asks for agreement, proposes the email column and mapping, and writes a valid config', async () => {
    const context = contextFor({ SHOP_KEY: KEY });
    // connection name, key variable, agreement, list, file, email column, mapping, export name ('' = the default)
    const prompter = new ScriptedPrompter(['shop', 'SHOP_KEY', 'yes', '2', 'vip.csv', '', '', '']);
    const code = await runInit(context, { now: NOW }, prompter);
    expect(context.errText()).not.toContain(KEY);
    expect(code).toBe(ExitCode.success);
    expect(prompter.isClosed).toBe(true);
    expect(prompter.questions).toContain('Email column [Email Address]');
    expect(prompter.questions).toContain('Mapping (- for none) [first_name=First Name, last_name=Surname, location.city=City]');
    expect(context.errText()).toMatch(/the account has 2 lists/);
    expect(context.errText()).toMatch(/personal data/);

    const path = join(dir, 'klaviyo-export.json');
    const written = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    expect(written).toMatchObject({
      connections: { shop: { apiKeyEnv: 'SHOP_KEY', privacyAcknowledged: '2026-11-30' } },
      exports: {
        vip: {
          connection: 'shop',
          list: 'B2bLst',
          file: 'vip.csv',
          emailField: 'Email Address',
          map: { first_name: 'First Name', last_name: 'Surname', 'location.city': 'City' },
        },
      },
    });
    expect(JSON.stringify(written)).not.toContain('pk_');
    expect(() => validateConfig(written, path, exportOptionSpecs())).not.toThrow();
  });

  it('asks again for a pasted key instead of a variable name, and for a column the file lacks', async () => {
    const context = contextFor({ KLAVIYO_API_KEY: KEY });
    const prompter = new ScriptedPrompter(['', KEY, '', 'y', 'Y6nRLr', 'missing.csv', 'vip.csv', 'Email', 'Email Address', '-', 'vips']);
    expect(await runInit(context, { now: NOW }, prompter)).toBe(ExitCode.success);
    expect(context.errText()).toMatch(/That is a key, not the name of a variable/);
    expect(context.errText()).toMatch(/missing\.csv/);
    expect(context.errText()).toMatch(/Enter one of the columns/);
    expect(context.errText()).not.toContain(KEY);
    const written = JSON.parse(readFileSync(join(dir, 'klaviyo-export.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(written.exports.vips).toEqual({ connection: 'main', list: 'Y6nRLr', file: 'vip.csv', emailField: 'Email Address' });
  });

  it('writes nothing when the privacy statement is not agreed to', async () => {
    const context = contextFor({ KLAVIYO_API_KEY: KEY });
    const code = await runInit(context, {}, new ScriptedPrompter(['', '', 'no']));
    expect(code).toBe(ExitCode.notDelivered);
    expect(() => readFileSync(join(dir, 'klaviyo-export.json'))).toThrow();
  });

  it('refuses to run without a terminal', async () => {
    const context = { ...contextFor({}), isStdinTerminal: false };
    await expect(runInit(context, {})).rejects.toThrow(/on a terminal/);
  });
});
