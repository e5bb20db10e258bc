import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OWNER = 'KLAVIYO_EXPORT_TESTS_TMPDIR';

/**
 * Global setup: the test run gets a private temporary directory (TMPDIR, which os.tmpdir() and so
 * every test and helper read), removed at the end. A test must remove what it creates: whatever
 * is left there at the end is named and fails the run. The CLI processes that end-to-end tests
 * start get no TMPDIR (run-cli.ts passes a minimal environment) and write nothing there.
 */
export default function setup(): () => void {
  // The root config and each project that extends it run global setup: the first one owns the directory.
  if (process.env[OWNER] !== undefined) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'kx-tests-'));
  const previous = process.env.TMPDIR;
  process.env[OWNER] = dir;
  process.env.TMPDIR = dir;
  return () => {
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    delete process.env[OWNER];
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (left.length > 0) {
      console.error(`The tests left ${left.length} temporary entries behind (removed now): ${left.join(', ')}`);
      process.exitCode = 1;
    }
  };
}
