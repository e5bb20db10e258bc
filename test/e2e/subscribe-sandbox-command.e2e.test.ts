import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, runCli, type CliResult } from '../helpers/run-cli.js';

const SANDBOX_KEY = 'pk_sandbox_subscribe_e2e_7c1d9a';

/** Starts `klaviyo-export sandbox --port 0 ...` and resolves with its URL once printed. */
function startSandboxCommand(args: string[]): Promise<{ url: string; child: ChildProcess; exited: Promise<CliResult> }> {
  return new Promise((resolve, reject) => {
    let printed = '';
    const exited = runCli(['sandbox', '--port', '0', '--key', SANDBOX_KEY, '--no-rate-limits', ...args], {
      timeoutMs: 30_000,
      onSpawn: (spawned) => {
        spawned.stdout?.on('data', (chunk: Buffer | string) => {
          printed += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(printed);
          if (match?.[1] !== undefined) resolve({ url: match[1], child: spawned, exited });
        });
      },
    });
    exited.then((result) => reject(new Error(`sandbox exited before printing its URL: ${JSON.stringify(result)}`)), reject);
  });
}

describe('klaviyo-export sandbox, to rehearse --subscribe', () => {
  it('--double-opt-in and --unsubscribed: the push keeps the opted-out profile out and counts the confirmation emails', async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir, 'unsubscribed.txt'), '# opted out earlier\nbo@example.com\n');
      writeFileSync(join(dir, 'segment.csv'), 'email,opt_in\nann@example.com,yes\nbo@example.com,yes\ncy@example.com,no\n');
      const sandbox = await startSandboxCommand(['--double-opt-in', '--unsubscribed', join(dir, 'unsubscribed.txt')]);
      try {
        const push = await runCli(
          ['push', '--list', 'Y6nRLr', '--yes', 'segment.csv', '--subscribe', 'email', '--email-consent-column', 'opt_in', '--json'],
          { cwd: dir, env: { KLAVIYO_API_KEY: SANDBOX_KEY, KLAVIYO_BASE_URL: sandbox.url } },
        );
        expect(push.code).toBe(0);
        expect(push.stderr).toContain('uses double opt-in: up to 2 people will each receive a confirmation email');
        expect(JSON.parse(push.stdout).subscription).toMatchObject({
          optInProcess: 'double_opt_in',
          subscribed: { email: 1 },
          confirmationEmails: 1,
          keptOptedOutCount: 1,
          keptOptedOut: [{ reason: 'email_unsubscribed', lines: [3] }],
        });
      } finally {
        sandbox.child.kill('SIGTERM');
        await sandbox.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
