import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_secret_key_0123456789abcdef';
const OTHER_KEY = 'pk_e2e_other_account_key_9876543210';
const FAST_JOBS = { queuedMs: 20, profilesPerSecond: 200_000 };
const LISTS = [
  { id: 'Y6nRLr', name: 'VIP' },
  { id: 'B2bLst', name: 'B2B' },
];

let sandbox: SandboxHandle | undefined;
const directories: string[] = [];
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function start(): Promise<SandboxHandle> {
  sandbox = await startSandbox({
    keys: [
      { key: KEY, scopes: 'all' },
      { key: OTHER_KEY, scopes: 'all' },
    ],
    lists: LISTS,
    jobProcessing: FAST_JOBS,
  });
  return sandbox;
}

function tempDir(): string {
  const directory = makeTempDir('kx-saved-');
  directories.push(directory);
  return directory;
}

/** A project directory with a config file and two segment files; returns the config's path. */
function writeProject(config: (url: string) => unknown): { dir: string; configPath: string } {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'out'));
  writeFileSync(
    join(dir, 'data', 'vip.csv'),
    'Email,First Name,Tier\nann@example.com,Ann,gold\nbob@example.com,Bob,silver\nnot-an-email,X,gold\n',
  );
  writeFileSync(join(dir, 'data', 'b2b.ndjson'), '{"email":"carl@example.com"}\n{"email":"dora@example.com"}\n');
  const configPath = join(dir, 'klaviyo-export.json');
  writeFileSync(configPath, `${JSON.stringify(config(sandbox!.url), null, 2)}\n`);
  return { dir, configPath };
}

function twoExports(url: string, acknowledged: string | null = '2026-11-30') {
  return {
    connections: {
      main: { apiKeyEnv: 'MAIN_KEY', baseUrl: url, ...(acknowledged ? { privacyAcknowledged: acknowledged } : {}) },
      other: { apiKeyEnv: 'OTHER_KEY', baseUrl: url, privacyAcknowledged: '2026-11-29' },
    },
    exports: {
      vip: {
        connection: 'main',
        list: 'Y6nRLr',
        file: 'data/vip.csv',
        emailField: 'Email',
        map: { first_name: 'First Name', 'properties.tier': 'Tier' },
        rejects: 'out/vip-rejects.csv',
        report: 'out/vip-report.json',
      },
      b2b: { connection: 'other', list: 'B2bLst', file: 'data/b2b.ndjson', maxPerExport: 5000 },
    },
  };
}

/** Run from an unrelated directory, as cron does: paths in the file must not depend on it. */
function kx(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: tempDir(), env: { MAIN_KEY: KEY, OTHER_KEY, ...env } });
}

describe('saved exports (klaviyo-export.json)', () => {
  it('run --all delivers two exports to two lists, paths relative to the config file, --json keyed by export name', async () => {
    await start();
    const { dir, configPath } = writeProject((url) => twoExports(url));
    const result = await kx(['run', '--all', '--json', '--config', configPath]);
    expect(result.stderr).not.toContain(KEY);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails('Y6nRLr').sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(sandbox!.listMemberEmails('B2bLst').sort()).toEqual(['carl@example.com', 'dora@example.com']);
    const summary = JSON.parse(result.stdout) as Record<string, { outcome: string; listId: string; rows: { rejected: number } }>;
    expect(Object.keys(summary)).toEqual(['vip', 'b2b']);
    expect(summary.vip).toMatchObject({ outcome: 'delivered', listId: 'Y6nRLr', rows: { rejected: 1 } });
    expect(summary.b2b).toMatchObject({ outcome: 'delivered', listId: 'B2bLst' });
    // rejects and report land beside the config file, not in the working directory
    expect(readFileSync(join(dir, 'out', 'vip-rejects.csv'), 'utf8')).toMatch(/^4,invalid_email,/m);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'vip-report.json'), 'utf8'))).toMatchObject({ listId: 'Y6nRLr' });

    const listing = await kx(['exports', '--json', '--config', configPath]);
    expect(listing.code).toBe(0);
    const exports = (
      JSON.parse(listing.stdout) as { exports: Record<string, { list: string; lastRun: { outcome: string; exitCode: number } }> }
    ).exports;
    expect(exports.vip).toMatchObject({
      connection: 'main',
      list: 'Y6nRLr',
      file: 'data/vip.csv',
      lastRun: { outcome: 'succeeded', exitCode: 0 },
    });
    expect(exports.b2b).toMatchObject({ list: 'B2bLst', lastRun: { exitCode: 0 } });
  });

  it('exits with the most severe code of the runs, each export keeping its own outcome', async () => {
    await start();
    const { configPath } = writeProject((url) => {
      const config = twoExports(url);
      return { ...config, exports: { ...config.exports, b2b: { ...config.exports.b2b, list: 'NoSuch' } } };
    });
    const result = await kx(['run', '--all', '--json', '--config', configPath]);
    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout) as Record<string, { outcome: string; exitCode?: number; error?: string }>;
    expect(summary.vip).toMatchObject({ outcome: 'delivered' });
    expect(summary.b2b).toMatchObject({ outcome: 'failed', exitCode: 3 });
    expect(summary.b2b?.error).toMatch(/NoSuch/);
    expect(result.stdout + result.stderr).not.toContain(OTHER_KEY);
    expect(sandbox!.listMemberEmails('Y6nRLr')).toHaveLength(2);
  });

  it('finds the file through KLAVIYO_EXPORT_CONFIG and runs only the exports named; text output labels each line', async () => {
    await start();
    const { configPath } = writeProject((url) => twoExports(url));
    const result = await kx(['run', 'b2b'], { KLAVIYO_EXPORT_CONFIG: configPath });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[b2b\] /m);
    expect(result.stderr).toMatch(/^b2b: succeeded \(exit 0\)$/m);
    expect(sandbox!.listMemberEmails('Y6nRLr')).toEqual([]);
    expect(sandbox!.listMemberEmails('B2bLst')).toHaveLength(2);
  });

  it('sends nothing through a connection without the privacy acknowledgment (exit 2, the statement and the command to agree)', async () => {
    await start();
    const { configPath } = writeProject((url) => twoExports(url, null));
    const result = await kx(['run', '--all', '--config', configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not acknowledged for connection "main"/);
    expect(result.stderr).toMatch(/personal data/);
    expect(result.stderr).toContain('klaviyo-export connect main --acknowledge-privacy');
    // not even the export through the acknowledged connection: one refusal, nothing sent
    expect(Object.values(sandbox!.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('connect --acknowledge-privacy records the date, keeping the rest of the file and its order; then run succeeds', async () => {
    await start();
    const { configPath } = writeProject((url) => twoExports(url, null));
    const before = JSON.parse(readFileSync(configPath, 'utf8')) as ReturnType<typeof twoExports>;
    const connect = await kx(['connect', 'main', '--acknowledge-privacy', '--config', configPath]);
    expect(connect.code).toBe(0);
    expect(connect.stderr).toMatch(/acknowledged on \d{4}-\d{2}-\d{2}/);
    const text = readFileSync(configPath, 'utf8');
    const after = JSON.parse(text) as ReturnType<typeof twoExports>;
    expect(after.connections.main.privacyAcknowledged).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(after.exports).toEqual(before.exports);
    expect(Object.keys(after.connections.main)).toEqual(['apiKeyEnv', 'baseUrl', 'privacyAcknowledged']);
    expect(text).toContain('\n  "connections": {\n    "main": {');
    expect(Object.keys(after)).toEqual(['connections', 'exports']);

    const result = await kx(['run', 'vip', '--config', configPath]);
    expect(result.code).toBe(0);
    expect(sandbox!.listMemberEmails('Y6nRLr')).toHaveLength(2);
  });

  it('refuses a literal private key anywhere in the file without echoing it (exit 2, use apiKeyEnv)', async () => {
    await start();
    const { configPath } = writeProject((url) => {
      const config = twoExports(url);
      return { ...config, connections: { ...config.connections, main: { ...config.connections.main, apiKeyEnv: KEY } } };
    });
    const result = await kx(['run', '--all', '--config', configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/connections\.main\.apiKeyEnv holds what looks like a Klaviyo private API key/);
    expect(result.stderr).toContain('apiKeyEnv');
    expect(result.stdout + result.stderr).not.toContain(KEY);
    expect(result.stdout + result.stderr).not.toContain('pk_e2e');
    expect(sandbox!.stats().jobsCreated).toBe(0);

    // also in a file that is not even valid JSON
    writeFileSync(configPath, `{ "connections": { "main": { "apiKey": "${KEY}" } `);
    const broken = await kx(['exports', '--config', configPath]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/line 1 holds what looks like a Klaviyo private API key/);
    expect(broken.stdout + broken.stderr).not.toContain('pk_e2e');
  });

  it('refuses an unknown export name, listing the known ones (exit 2)', async () => {
    await start();
    const { configPath } = writeProject((url) => twoExports(url));
    const result = await kx(['run', 'vip', 'b2c', '--config', configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No export named "b2c" \(did you mean "b2b"\?\).*known: vip, b2b/);
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });

  it('refuses a misspelled key with a did-you-mean and the JSON path (exit 2, nothing sent)', async () => {
    await start();
    const { configPath } = writeProject((url) => {
      const config = twoExports(url);
      const { emailField, ...vip } = config.exports.vip;
      return { ...config, exports: { ...config.exports, vip: { ...vip, emialField: emailField } } };
    });
    const result = await kx(['run', '--all', '--config', configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/exports\.vip\.emialField: unknown key; did you mean "emailField"\?/);
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });

  it('names the JSON path of a missing or invalid value, and checks option values as push does', async () => {
    await start();
    const { configPath } = writeProject((url) => {
      const config = twoExports(url);
      const { list: _list, ...vip } = config.exports.vip;
      return { ...config, exports: { vip, b2b: { ...config.exports.b2b, maxPerExport: 'many' } } };
    });
    const missing = await kx(['run', '--all', '--config', configPath]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/exports\.vip\.list: required/);

    const { configPath: badValue } = writeProject((url) => {
      const config = twoExports(url);
      return { ...config, exports: { b2b: { ...config.exports.b2b, maxPerExport: 'many' } } };
    });
    const invalid = await kx(['run', '--all', '--config', badValue]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/exports\.b2b: .*--max-per-export/);
    expect(sandbox!.stats().jobsCreated).toBe(0);
  });

  it('says how to create the file when there is none; init without a terminal asks for one (exit 2)', async () => {
    const result = await kx(['exports']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No config file at .*klaviyo-export\.json: create one with `klaviyo-export init`/);
    const init = await kx(['init']);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/on a terminal/);
  });
});
