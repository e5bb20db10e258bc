import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { withDataPageV1 } from '../helpers/parquet-data-page-v1.js';
import { parquetFixtureBytes, writeParquetFixture, type FixtureCodec } from '../helpers/parquet-fixtures.js';
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

function cli(args: string[]) {
  return runCli(args, { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url } });
}

function emailsOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
}

describe('Parquet segments', () => {
  it.each<FixtureCodec>(['SNAPPY', 'GZIP', 'ZSTD'])(
    'pushes %s Parquet with several row groups: the sandbox receives exactly its profiles',
    async (codec) => {
      await start();
      const emails = emailsOf(codec.toLowerCase(), 2_500);
      const file = join(makeTempDir(), 'segment.parquet');
      await writeParquetFixture(file, {
        codec,
        rowGroupSize: 1_000,
        columnData: [
          { name: 'email', data: emails, type: 'STRING' },
          { name: 'first_name', data: emails.map((_, i) => `Name ${i}`), type: 'STRING' },
          { name: 'visits', data: emails.map((_, i) => BigInt(i)), type: 'INT64' },
          { name: 'signed_up', data: emails.map((_, i) => new Date(Date.UTC(2024, 0, 1 + (i % 28)))), type: 'TIMESTAMP' },
        ],
      });
      const result = await cli(['push', '--list', LIST, '--yes', file, '--json']);
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).rows).toEqual({ read: 2_500, valid: 2_500, rejected: 0, duplicates: 0 });
      expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
      const attributes = sandbox!.profileAttributes(emails[1_234]!);
      expect(attributes).toMatchObject({ first_name: 'Name 1234', properties: { visits: 1_234, signed_up: '2024-01-03T00:00:00.000Z' } });
    },
  );

  it('pushes a file of DATA_PAGE v1 pages, as Spark (parquet-mr) and pyarrow write by default: every profile, nulls as absent', async () => {
    await start();
    const emails = emailsOf('v1-', 3_000);
    const bytes = await parquetFixtureBytes({
      codec: 'SNAPPY',
      rowGroupSize: 1_000,
      pageSize: 8_192,
      columnData: [
        { name: 'email', data: emails, type: 'STRING' },
        { name: 'first_name', data: emails.map((_, i) => (i % 3 === 0 ? null : `Name ${i % 7}`)), type: 'STRING', nullable: true },
        { name: 'city', data: emails.map((_, i) => `City ${i}`), type: 'STRING', encoding: 'PLAIN' },
      ],
    });
    const file = join(makeTempDir(), 'part-00000-9a1e.c000.snappy.parquet');
    writeFileSync(file, withDataPageV1(bytes));
    const result = await cli(['push', '--list', LIST, '--yes', file, '--json', '--map', 'location.city=city']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 3_000, valid: 3_000, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    expect(sandbox!.profileAttributes(emails[2_999]!)).toMatchObject({ location: { city: 'City 2999' } });
    expect(sandbox!.profileAttributes(emails[1_001]!)).toMatchObject({ first_name: 'Name 0' });
    expect(sandbox!.profileAttributes(emails[999]!)).not.toHaveProperty('first_name');
  });

  it('pushes a pandas-style file (one row group, v1 pages, a list column): every profile, its list as an array property', async () => {
    await start();
    const emails = emailsOf('pd-', 20_000);
    const bytes = await parquetFixtureBytes({
      rowGroupSize: 20_000,
      pageSize: 16_384,
      schema: [
        { name: 'schema', num_children: 2 },
        { name: 'email', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
      columnData: [
        { name: 'email', data: emails },
        { name: 'tags', data: emails.map((_, i) => (i % 5 === 0 ? null : i % 2 === 0 ? ['vip', `cohort-${i % 7}`] : [])) },
      ],
    });
    const file = join(makeTempDir(), 'segment.parquet');
    writeFileSync(file, withDataPageV1(bytes));
    const result = await cli(['push', '--list', LIST, '--yes', file, '--json', '--map', 'properties.tags=tags']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 20_000, valid: 20_000, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST)).toHaveLength(20_000);
    expect(sandbox!.profileAttributes(emails[19_998]!)).toMatchObject({ properties: { tags: ['vip', 'cohort-6'] } });
    expect(sandbox!.profileAttributes(emails[17_002]!)).toMatchObject({ properties: { tags: ['vip', 'cohort-6'] } });
  });

  it('pushes a Spark partitionBy folder (country=US/, country=DE/): every profile, its country from its folder (mapped by name to location.country)', async () => {
    await start();
    const folder = join(makeTempDir(), 'segment');
    const byCountry = { DE: emailsOf('de', 300), US: emailsOf('us', 500) };
    for (const [country, emails] of Object.entries(byCountry)) {
      mkdirSync(join(folder, `country=${country}`), { recursive: true });
      await writeParquetFixture(join(folder, `country=${country}`, 'part-00000-5f1c.c000.zstd.parquet'), {
        codec: 'ZSTD',
        rowGroupSize: 200,
        columnData: [{ name: 'email', data: emails, type: 'STRING' }],
      });
    }
    mkdirSync(join(folder, '_temporary', '0'), { recursive: true });
    writeFileSync(join(folder, '_temporary', '0', 'part-00001.parquet'), 'half written');
    writeFileSync(join(folder, '_SUCCESS'), '');
    const result = await cli(['push', '--list', LIST, '--yes', folder, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 800, valid: 800, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...byCountry.DE, ...byCountry.US].sort());
    expect(sandbox!.profileAttributes(byCountry.DE[42]!)).toMatchObject({ location: { country: 'DE' } });
    expect(sandbox!.profileAttributes(byCountry.US[420]!)).toMatchObject({ location: { country: 'US' } });
  });

  it('tells Parquet by its first bytes whatever its name, and rejects a null email with its row number', async () => {
    await start();
    const dir = makeTempDir();
    const file = join(dir, 'part-00000-3f2a.c000');
    await writeParquetFixture(file, {
      columnData: [
        { name: 'email', data: ['a@example.com', null, 'c@example.com'], type: 'STRING', nullable: true },
        { name: 'tags', data: [['vip'], ['new', 'x'], []], type: 'JSON' },
      ],
    });
    const rejects = join(dir, 'rejects.csv');
    const result = await cli(['push', '--list', LIST, '--yes', file, '--json', '--rejects', rejects]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 3, valid: 2, rejected: 1, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual(['a@example.com', 'c@example.com']);
    const rejected = readFileSync(rejects, 'utf8').split('\n');
    expect(rejected[1]).toMatch(/^2,/);
  });

  it('refuses a damaged Parquet file (no footer) with exit 2 naming it, and sends nothing', async () => {
    await start();
    const file = join(makeTempDir(), 'cut.parquet');
    const whole = await parquetFixtureBytes({ columnData: [{ name: 'email', data: emailsOf('cut', 500), type: 'STRING' }] });
    writeFileSync(file, whole.subarray(0, whole.length - 100));
    const result = await cli(['push', '--list', LIST, '--yes', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: is not a readable Parquet file: it does not end with PAR1, so it has no footer`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  });

  it('refuses a file with a damaged page deep inside (rows 1 to 2,344 readable) with exit 2 naming column and row, and sends nothing', async () => {
    await start();
    const file = join(makeTempDir(), 'damaged-page.parquet');
    const emails = emailsOf('page', 3_000);
    const bytes = await parquetFixtureBytes({
      codec: 'UNCOMPRESSED',
      rowGroupSize: 1_000,
      pageSize: 4_096,
      columnData: [{ name: 'email', data: emails, type: 'STRING', encoding: 'PLAIN' }],
    });
    const at = bytes.indexOf(emails[2_344]!);
    bytes.writeUInt32LE(0x7fff_0000, at - 4);
    writeFileSync(file, bytes);
    const result = await cli(['push', '--list', LIST, '--yes', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${file}: column email, row 345 of row group 3, cannot be read: a text value runs past the end of its page`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  });

  it('validates Parquet and refuses it on standard input with one sentence', async () => {
    const file = join(makeTempDir(), 'segment.parquet');
    await writeParquetFixture(file, { columnData: [{ name: 'Email', data: emailsOf('v', 3), type: 'STRING' }] });
    const validated = await runCli(['validate', file, '--json']);
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout).rows.valid).toBe(3);
    const piped = await runCli(['validate', '-'], { input: readFileSync(file) });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toMatch(/<stdin> is Parquet, which is read from a file/);
  });
});
