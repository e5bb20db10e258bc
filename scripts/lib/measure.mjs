import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runner = join(dirname(fileURLToPath(import.meta.url)), 'run-measured.mjs');

/**
 * Runs the CLI as a child process and returns its exit code, output and own resource usage.
 * `nodeArgs` go to the child's node (e.g. --cpu-prof, which Node 20 refuses in NODE_OPTIONS).
 */
export async function runMeasured(args, { env = {}, stdout = 'pipe', stderr = 'inherit', nodeArgs = [] } = {}) {
  const usagePath = join(tmpdir(), `klaviyo-export-usage-${process.pid}-${Date.now()}.json`);
  const child = spawn(process.execPath, [...nodeArgs, runner, usagePath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, stderr],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  const usage = JSON.parse(readFileSync(usagePath, 'utf8'));
  rmSync(usagePath, { force: true });
  return { code, stdout: out, ...usage, cpuSeconds: usage.userSeconds + usage.systemSeconds };
}

export function fmt(n, digits = 1) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
