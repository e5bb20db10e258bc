import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Secret } from '../config/secret.js';
import type { Environment } from '../config/load-environment.js';
import type { CliContext } from './cli-context.js';
import { runCli } from './main.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** KLAVIYO_* values as the environment would give them. */
  env?: { apiKey?: string; baseUrl?: string; stateDir?: string };
  /** Written to stdin, which then ends (unless the run is on a terminal: then it stays open for the prompt). */
  stdin?: string;
  /** stdin and stderr are a terminal: a push asks before sending. */
  isTerminal?: boolean;
  cwd: string;
  /** Called with stdout and stderr so far after each write; `interrupt` is a first Ctrl-C. */
  onOutput?: (output: { stdout: string; stderr: string }, interrupt: (reason: Error) => void) => void;
}

/** Runs `klaviyo-export <args>` in this process through the injected context, as main() would. */
export async function runInProcess(args: string[], options: InProcessOptions): Promise<InProcessResult> {
  const soft = new AbortController();
  const hard = new AbortController();
  const output = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        output[name] += String(chunk);
        options.onOutput?.(output, (reason) => soft.abort(reason));
        done();
      },
    });
  const stdin = new PassThrough();
  if (options.stdin !== undefined) stdin.write(options.stdin);
  if (!options.isTerminal) stdin.end();
  const env: Environment = {
    apiKey: options.env?.apiKey === undefined ? undefined : new Secret(options.env.apiKey),
    baseUrl: options.env?.baseUrl,
    revision: undefined,
    stateDir: options.env?.stateDir,
    noColor: true,
    configPath: undefined,
    variable: () => undefined,
  };
  const context: CliContext = {
    cwd: options.cwd,
    env,
    stdin,
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    isStdinTerminal: Boolean(options.isTerminal),
    isStderrTerminal: Boolean(options.isTerminal),
    signal: soft.signal,
    hardSignal: hard.signal,
    version: '0.0.0-test',
  };
  const code = await runCli(['node', 'klaviyo-export', ...args], context);
  stdin.destroy();
  return { code, ...output };
}

/** A temporary directory, removed by the returned function. */
export function makeTempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'kx-cli-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
