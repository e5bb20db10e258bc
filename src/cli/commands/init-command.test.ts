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
  it('checks the key, asks for agreement, proposes the email column and mapping, offers a rejects file and report, and writes a valid config', async () => {
    const context = contextFor({ SHOP_KEY: KEY });
    // connection, key variable, agreement, list, file, email column, mapping, properties, export name, rejects, report ('' = the default)
    const prompter = new ScriptedPrompter(['shop', 'SHOP_KEY', 'yes', '2', 'vip.csv', '', '', '', '', '', '']);
    const code = await runInit(context, { now: NOW }, prompter);
    expect(context.errText()).not.toContain(KEY);
    expect(code).toBe(ExitCode.success);
    expect(prompter.isClosed).toBe(true);
    expect(prompter.questions).toContain('Email column [Email Address]');
    expect(prompter.questions).toContain('Mapping (- for none) [first_name=First Name, last_name=Surname, location.city=City]');
    expect(prompter.questions).toContain('Send the other columns as custom properties (Tier)? (yes/no) [yes]');
    expect(prompter.questions.some((question) => question.startsWith('Default country'))).toBe(false);
    expect(context.errText()).toMatch(/the account has 2 lists/);
    expect(context.errText()).toMatch(/personal data/);
    // The key was checked against the sandbox: the connection keeps that URL, or `run` would go to Klaviyo.
    expect(context.errText()).toContain(`The connection will keep the base URL ${sandbox.url}.`);

    const path = join(dir, 'klaviyo-export.json');
    const written = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    expect(written).toMatchObject({
      connections: { shop: { apiKeyEnv: 'SHOP_KEY', baseUrl: sandbox.url, privacyAcknowledged: '2026-11-30' } },
      exports: {
        vip: {
          connection: 'shop',
          list: 'B2bLst',
          file: 'vip.csv',
          emailField: 'Email Address',
          map: { first_name: 'First Name', last_name: 'Surname', 'location.city': 'City' },
          rejects: 'vip-rejects.csv',
          report: 'vip-report.json',
        },
      },
    });
    expect(JSON.stringify(written)).not.toContain('pk_');
    expect(() => validateConfig(written, path, exportOptionSpecs())).not.toThrow();
  });

  it('asks again for a pasted key and for a column the file lacks, matches columns regardless of case, and saves what was answered', async () => {
    const context = contextFor({ KLAVIYO_API_KEY: KEY });
    const answers = [
      '',
      KEY,
      '',
      'y',
      'vip',
      'missing.csv',
      'vip.csv',
      'Mail',
      'email address',
      'first_name=first name',
      'no',
      'vips',
      '-',
      '-',
    ];
    expect(await runInit(context, { now: NOW }, new ScriptedPrompter(answers))).toBe(ExitCode.success);
    expect(context.errText()).toMatch(/That is a key, not the name of a variable/);
    expect(context.errText()).toMatch(/missing\.csv/);
    expect(context.errText()).toMatch(/Enter one of the columns/);
    expect(context.errText()).not.toContain(KEY);
    const written = JSON.parse(readFileSync(join(dir, 'klaviyo-export.json'), 'utf8')) as { exports: Record<string, unknown> };
    // The list by its name; last_name and location.city left out, so the push must not map them by name either.
    expect(written.exports.vips).toEqual({
      connection: 'main',
      list: 'Y6nRLr',
      file: 'vip.csv',
      emailField: 'Email Address',
      map: { first_name: 'First Name' },
      noDefaultMap: true,
      noProperties: true,
    });
  });

  it('asks for the default country when phone numbers are mapped', async () => {
    writeFileSync(join(dir, 'phones.csv'), 'email,Phone\na@example.com,(617) 555-1234\n');
    const context = contextFor({ KLAVIYO_API_KEY: KEY });
    const prompter = new ScriptedPrompter(['', '', 'y', '1', 'phones.csv', '', '', 'XX', 'us', '', '-', '-']);
    expect(await runInit(context, { now: NOW }, prompter)).toBe(ExitCode.success);
    expect(prompter.questions).toContain('Default country (- for none) [-]');
    const written = JSON.parse(readFileSync(join(dir, 'klaviyo-export.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(written.exports.phones).toMatchObject({ map: { phone_number: 'Phone' }, defaultCountry: 'US' });
  });

  it('writes nothing when the privacy statement is not agreed to', async () => {
    const context = contextFor({ KLAVIYO_API_KEY: KEY });
    const code = await runInit(context, {}, new ScriptedPrompter(['', '', 'no']));
    expect(code).toBe(ExitCode.notDelivered);
    expect(() => readFileSync(join(dir, 'klaviyo-export.json'))).toThrow();
  });

  it('refuses to ask without a terminal, pointing at --yes', async () => {
    const context = { ...contextFor({}), isStdinTerminal: false };
    await expect(runInit(context, {})).rejects.toThrow(/on a terminal; without one, pass --yes/);
  });

  it('--yes takes the answers from flags: the list by name, the mapping push would use, an agreement only with --acknowledge-privacy', async () => {
    const context = { ...contextFor({ KLAVIYO_API_KEY: KEY }), isStdinTerminal: false };
    const flags = { yes: true, list: 'b2b', file: 'vip.csv', now: NOW };
    await expect(runInit(context, flags)).rejects.toThrow(/pass --acknowledge-privacy/);
    await expect(runInit(context, { ...flags, acknowledgePrivacy: true, list: 'Nope' })).rejects.toThrow(
      /no such list in the account; its lists: VIP \(Y6nRLr\), B2B/,
    );
    expect(await runInit(context, { ...flags, acknowledgePrivacy: true, rejects: 'out/rejects.csv' })).toBe(ExitCode.success);
    const written = JSON.parse(readFileSync(join(dir, 'klaviyo-export.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(written.exports!.vip).toEqual({
      connection: 'main',
      list: 'B2bLst',
      file: 'vip.csv',
      emailField: 'Email Address',
      map: { first_name: 'First Name', last_name: 'Surname', 'location.city': 'City' },
      rejects: 'out/rejects.csv',
    });
    expect(written.connections!.main).toEqual({ apiKeyEnv: 'KLAVIYO_API_KEY', baseUrl: sandbox.url, privacyAcknowledged: '2026-11-30' });
  });
});
