import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_secret_key_0123456789abcdef';
const LIST = 'Y6nRLr';

let sandbox: SandboxHandle | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(): Promise<SandboxHandle> {
  sandbox = await startSandbox({ keys: [{ key: KEY, scopes: 'all' }], jobProcessing: { queuedMs: 20, profilesPerSecond: 200_000 } });
  return sandbox;
}

function cli(args: string[], input?: Buffer) {
  return runCli(args, { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url }, ...(input ? { input } : {}) });
}

function csvOf(emails: readonly string[], delimiter = ','): string {
  return `email${delimiter}first_name\n${emails.map((email, i) => `${email}${delimiter}Name ${i}`).join('\n')}\n`;
}

function emailsOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
}

describe('compressed segments', () => {
  it('pushes a .csv.gz file: the sandbox receives exactly its profiles', async () => {
    await start();
    const emails = emailsOf('gz', 25);
    const file = join(makeTempDir(), 'segment.csv.gz');
    writeFileSync(file, gzipSync(csvOf(emails)));
    const result = await cli(['push', '--list', LIST, '--yes', file, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 25, valid: 25, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });

  it('pushes gzip from standard input, told by its bytes', async () => {
    await start();
    const emails = emailsOf('stdin', 7);
    const result = await cli(['push', '--list', LIST, '--yes', '-'], gzipSync(csvOf(emails, '|')));
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
  });

  it('validates a gzip file named like plain CSV', async () => {
    const file = join(makeTempDir(), 'segment.csv');
    writeFileSync(file, gzipSync(csvOf(emailsOf('v', 3))));
    const result = await runCli(['validate', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows.valid).toBe(3);
  });

  it('refuses a truncated gzip file with exit 2 naming it, and sends nothing', async () => {
    await start();
    const dir = makeTempDir();
    const file = join(dir, 'cut.csv.gz');
    const whole = gzipSync(csvOf(emailsOf('cut', 5_000)));
    writeFileSync(file, whole.subarray(0, whole.length - 200));
    const result = await cli(['push', '--list', LIST, '--yes', file, '--rejects', join(dir, 'rejects.csv')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: the gzip data ends too soon: the file is truncated`);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
    expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).not.toContain('@');
  });

  it('refuses a zstd file with exit 2 and one sentence', async () => {
    const file = join(makeTempDir(), 'segment.csv.zst');
    writeFileSync(file, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00]));
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is compressed with zstd, which this version of Node.js cannot read');
  });
});
