import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = join(dirname(fileURLToPath(import.meta.url)), 'run-measured.mjs');

/**
 * Runs the CLI as a child process and returns its exit code, output and own resource usage.
 * `nodeArgs` go to the child's node (e.g. --cpu-prof, which Node 20 refuses in NODE_OPTIONS).
 * `onStderrLine`, when given, gets each line of the child's stderr instead of the terminal.
 */
export async function runMeasured(args, { env = {}, stdout = 'pipe', stderr = 'inherit', nodeArgs = [], onStderrLine } = {}) {
  const usagePath = join(tmpdir(), `klaviyo-export-usage-${process.pid}-${Date.now()}.json`);
  const child = spawn(process.execPath, [...nodeArgs, runner, usagePath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, onStderrLine ? 'pipe' : stderr],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  // `onStderrLine`: each line of the child's stderr as it arrives (e.g. to time its JSON log events).
  let pending = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onStderrLine?.(line);
  });
  const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  const usage = JSON.parse(readFileSync(usagePath, 'utf8'));
  rmSync(usagePath, { force: true });
  return { code, stdout: out, ...usage, cpuSeconds: usage.userSeconds + usage.systemSeconds };
}

export function fmt(n, digits = 1) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Runs this script again in a fresh process and exits with its code. Linux keeps a process's peak
 * RSS across fork and exec, so a CLI spawned by a script that has just built its fixtures in
 * memory would report the script's peak, not its own: a benchmark that generated files calls this
 * before measuring.
 */
export function measureInFreshProcess() {
  console.log('Files written; measuring in a fresh process.');
  const { status } = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(status ?? 1);
}
