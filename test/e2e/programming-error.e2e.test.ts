import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { FIXTURES, makeTempDir, runCli } from '../helpers/run-cli.js';
import { writeSegment } from '../helpers/segments.js';

const KEY = 'pk_e2e_bug_0123456789abcdef';
const LIST = 'Y6nRLr';
/** Preloaded, it makes the built CLI throw a TypeError after an import job completes. */
const BUG_HOOK = join(FIXTURES, 'hooks', 'bug-in-delivery.mjs');

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('a programming error mid-run', () => {
  it.each([[[]], [['--json']]])(
    'exits 70 with one line asking for a bug report, naming neither a local failure, the key nor an email (%j)',
    async (extra) => {
      sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 100_000 } });
      const { file } = writeSegment(300);
      const result = await runCli(['push', '--list', LIST, '--yes', '--state-dir', makeTempDir(), file, '--batch-size', '100', ...extra], {
        env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url, NODE_OPTIONS: `--import=${BUG_HOOK}` },
      });
      expect(result.code).toBe(70);
      expect(sandbox.stats().jobsCreated).toBeGreaterThan(0);
      const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(
        /^error: klaviyo-export stopped on a programming error \(TypeError: Cannot read properties of undefined \(reading 'completed'\), at dist\/export\/delivery\/confirm-batch\.js:\d+:\d+\); this is a bug, please report it/,
      );
      for (const output of [result.stderr, result.stdout]) {
        expect(output).not.toContain(KEY);
        expect(output).not.toMatch(/user\d+@example\.com/);
        expect(output).not.toMatch(/local failure/i);
        expect(output).not.toMatch(/^\s+at /m);
      }
      if (extra.includes('--json')) expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'failed', exitCode: 70 });
    },
  );

  it('leaves the CLI as it is without the hook', async () => {
    sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 100_000 } });
    const { file } = writeSegment(10);
    const result = await runCli(['push', '--list', LIST, '--yes', '--state-dir', makeTempDir(), file], {
      env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox.url },
    });
    expect(result.code).toBe(0);
  });
});
