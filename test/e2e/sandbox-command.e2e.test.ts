import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, runCli, type CliResult } from '../helpers/run-cli.js';

const SANDBOX_KEY = 'pk_sandbox_cmd_e2e_4b8e1f6a2c';
const REVISION = '2026-07-15';

interface RunningSandbox {
  url: string;
  child: ChildProcess;
  exited: Promise<CliResult>;
}

/** Starts `klaviyo-export sandbox --port 0` and resolves once it has printed the URL it listens on. */
function startSandboxCommand(extraArgs: string[] = []): Promise<RunningSandbox> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess | undefined;
    let printed = '';
    const exited = runCli(['sandbox', '--port', '0', '--key', SANDBOX_KEY, ...extraArgs], {
      timeoutMs: 15_000,
      onSpawn: (spawned) => {
        child = spawned;
        spawned.stdout?.on('data', (chunk: Buffer | string) => {
          printed += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(printed);
          if (match?.[1] !== undefined) resolve({ url: match[1], child: spawned, exited });
        });
      },
    });
    exited.then((result) => reject(new Error(`sandbox exited before printing its URL: ${JSON.stringify(result)}`)), reject);
    setTimeout(() => {
      child?.kill('SIGKILL');
      reject(new Error(`no URL printed within 10 s: ${printed}`));
    }, 10_000).unref();
  });
}

async function stop(sandbox: RunningSandbox): Promise<CliResult> {
  sandbox.child.kill('SIGTERM');
  return sandbox.exited;
}

function api(url: string, path: string): Promise<Response> {
  return fetch(`${url}${path}`, { headers: { Authorization: `Klaviyo-API-Key ${SANDBOX_KEY}`, revision: REVISION } });
}

describe('klaviyo-export sandbox', () => {
  it('--refuse-emails FILE --refuse-as none: a push loses exactly those rows, named in its rejects file, exit 1', async () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir, 'refused.txt'), '# refused by the sandbox\nBOB@example.com\ndan@example.com\n');
      const sandbox = await startSandboxCommand(['--no-rate-limits', '--refuse-emails', join(dir, 'refused.txt'), '--refuse-as', 'none']);
      try {
        const emails = ['ann', 'bob', 'cid', 'dan', 'eve', 'fay'].map((name) => `${name}@example.com`);
        writeFileSync(join(dir, 'segment.csv'), `email\n${emails.join('\n')}\n`);
        const push = await runCli(['push', '--list', 'Y6nRLr', '--yes', 'segment.csv', '--rejects', 'rejects.csv'], {
          cwd: dir,
          env: { KLAVIYO_API_KEY: SANDBOX_KEY, KLAVIYO_BASE_URL: sandbox.url },
        });
        expect(push.code).toBe(1);
        const members = (await (await fetch(`${sandbox.url}/__sandbox/lists/Y6nRLr/members`)).json()) as { emails: string[] };
        expect(members.emails.sort()).toEqual(['ann@example.com', 'cid@example.com', 'eve@example.com', 'fay@example.com']);
        const rows = readFileSync(join(dir, 'rejects.csv'), 'utf8').trim().split('\n').slice(1);
        expect(rows.map((row) => row.split(',')[0]).sort()).toEqual(['3', '5']);
      } finally {
        const result = await stop(sandbox);
        expect(result.stdout).toContain('2 emails refused (none)');
        expect(result.stdout).not.toContain('bob@example.com');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unreadable --refuse-emails file and a rate out of range with exit 2', async () => {
    const missing = await runCli(['sandbox', '--port', '0', '--refuse-emails', '/nonexistent/refused.txt']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read --refuse-emails/);
    const rate = await runCli(['sandbox', '--port', '0', '--cdn-challenge-rate', '2']);
    expect(rate.code).toBe(2);
  });

  it('--port 0 prints the real port it listens on, with the variables to export', async () => {
    const sandbox = await startSandboxCommand();
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(new URL(sandbox.url).port)).toBeGreaterThan(0);
      const response = await api(sandbox.url, '/api/lists');
      expect(response.status).toBe(200);
    } finally {
      const result = await stop(sandbox);
      expect(result.stdout).toContain(`export KLAVIYO_BASE_URL=${sandbox.url}`);
    }
  });

  it('accepts a push against the printed URL, the key never in the push output', async () => {
    const sandbox = await startSandboxCommand(['--no-rate-limits']);
    try {
      const dir = makeTempDir();
      writeFileSync(join(dir, 'segment.csv'), 'email,first_name\nann@example.com,Ann\nbob@example.com,Bob\n');
      const push = await runCli(['push', '--list', 'Y6nRLr', '--yes', 'segment.csv'], {
        cwd: dir,
        env: { KLAVIYO_API_KEY: SANDBOX_KEY, KLAVIYO_BASE_URL: sandbox.url },
      });
      expect(push.code).toBe(0);
      expect(push.stdout + push.stderr).not.toContain(SANDBOX_KEY);
      const members = (await (await fetch(`${sandbox.url}/__sandbox/lists/Y6nRLr/members`)).json()) as { emails: string[] };
      expect(members.emails.sort()).toEqual(['ann@example.com', 'bob@example.com']);
    } finally {
      await stop(sandbox);
    }
  });

  it('SIGTERM stops it with exit 0 and leaves nothing listening', async () => {
    const sandbox = await startSandboxCommand();
    const result = await stop(sandbox);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    await expect(fetch(`${sandbox.url}/api/lists`)).rejects.toThrow();
  });

  it('SIGINT stops it with exit 0 as well', async () => {
    const sandbox = await startSandboxCommand();
    sandbox.child.kill('SIGINT');
    const result = await sandbox.exited;
    expect(result.code).toBe(0);
  });

  it('refuses a port out of range with exit 2', async () => {
    const result = await runCli(['sandbox', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port/);
  });
});
