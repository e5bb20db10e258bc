import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_secret_key_0123456789abcdef';
const LIST = 'Y6nRLr';
const LAKE = 'https://contosoci.dfs.core.windows.net/customerinsights/exports/ci-export';

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

function writeTree(root: string, files: Record<string, string | object>): string {
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

function emailsOf(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
}

/** Headerless CSV rows: CustomerId, Email, FirstName, LifetimeValue. */
function partition(emails: readonly string[], offset: number): string {
  return emails.map((email, i) => `c${offset + i},${email},"Name, ${offset + i}",${(offset + i) * 2}.5\n`).join('');
}

const ATTRIBUTES = ['CustomerId', 'Email', 'FirstName', 'LifetimeValue'];

/** A Customer Insights export as azcopy downloads it: model.json with absolute partition URLs, headerless CSV. */
function customerInsightsExport(folder: string, emails: readonly string[], options: { dropPartition?: boolean } = {}): string {
  const halves = [emails.slice(0, 60), emails.slice(60)];
  const entity = (name: string, attributes: string[], partitions: string[]) => ({
    $type: 'LocalEntity',
    name,
    attributes: attributes.map((attribute) => ({ name: attribute, dataType: 'string' })),
    partitions: partitions.map((location) => ({
      name: location,
      location,
      fileFormatSettings: {
        $type: 'CsvFormatSettings',
        columnHeaders: false,
        delimiter: ',',
        quoteStyle: 'QuoteStyle.Csv',
        csvStyle: 'CsvStyle.QuoteAlways',
        encoding: 'UTF-8',
      },
    })),
  });
  const files: Record<string, string | object> = {
    'model.json': {
      name: 'cdm',
      version: '1.0',
      entities: [
        entity('HighValue', ATTRIBUTES, [`${LAKE}/HighValue/part-00000.csv`, `${LAKE}/HighValue/part-00001.csv`]),
        entity('Churned', ['Email'], [`${LAKE}/Churned/part-00000.csv`]),
      ],
    },
    'HighValue/part-00000.csv': partition(halves[0]!, 0),
    'Churned/part-00000.csv': 'gone@example.com\n',
  };
  if (!options.dropPartition) files['HighValue/part-00001.csv'] = partition(halves[1]!, 60);
  return writeTree(join(makeTempDir(), folder), files);
}

describe('CDM folders (Customer Insights exports)', () => {
  it('pushes a model.json entity with headerless partitions at absolute dfs URLs: the sandbox receives exactly its profiles', async () => {
    await start();
    const emails = emailsOf('hv', 100);
    const folder = customerInsightsExport('ci-export', emails);
    const result = await cli(['push', '--list', LIST, '--yes', '--entity', 'HighValue', folder, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 100, valid: 100, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    expect(sandbox!.profileAttributes(emails[75]!)).toMatchObject({
      external_id: 'c75',
      first_name: 'Name, 75',
      properties: { LifetimeValue: 150.5 },
    });
  });

  it('reads QuoteStyle.None partitions with quotes as plain text: the sandbox receives exactly their profiles', async () => {
    await start();
    const emails = emailsOf('qn', 20);
    const rows = emails.map((email, i) => `c${i},${email},"Nick ${i}\n`).join('');
    const folder = writeTree(join(makeTempDir(), 'quote-none'), {
      'model.json': {
        name: 'cdm',
        version: '1.0',
        entities: [
          {
            $type: 'LocalEntity',
            name: 'Segment',
            attributes: ['CustomerId', 'Email', 'FirstName'].map((name) => ({ name, dataType: 'string' })),
            partitions: [
              {
                name: 'p0',
                location: `${LAKE}/Segment/part-00000.csv`,
                fileFormatSettings: { $type: 'CsvFormatSettings', columnHeaders: false, delimiter: ',', quoteStyle: 'QuoteStyle.None' },
              },
            ],
          },
        ],
      },
      'Segment/part-00000.csv': rows,
    });
    const result = await cli(['push', '--list', LIST, '--yes', folder, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 20, valid: 20, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    expect(sandbox!.profileAttributes(emails[7]!)).toMatchObject({ external_id: 'c7', first_name: '"Nick 7' });
  });

  it('without --entity, a folder of several entities is exit 2 listing them; the metadata file may be the path', async () => {
    const folder = customerInsightsExport('ci-export', emailsOf('x', 80));
    const listed = await runCli(['validate', folder]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('holds 2 entities: HighValue, Churned. Pick one with --entity <name>.');
    const chosen = await runCli(['validate', '--entity', 'Churned', join(folder, 'model.json'), '--json']);
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout).rows.valid).toBe(1);
  });

  it('a missing partition is exit 2 naming it, and nothing is sent', async () => {
    await start();
    const folder = customerInsightsExport('ci-export', emailsOf('m', 100), { dropPartition: true });
    const result = await cli(['push', '--list', LIST, '--yes', '--entity', 'HighValue', folder]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `entity HighValue's partition ${LAKE}/HighValue/part-00001.csv is missing: there is no ${join(folder, 'HighValue/part-00001.csv')}`,
    );
    expect(sandbox!.stats().requests.bulk_import_profiles).toBeUndefined();
    expect(sandbox!.listMemberEmails(LIST)).toEqual([]);
  });

  it('pushes a manifest entity: attributes from its .cdm.json, partitions with a header, and a partition pattern', async () => {
    await start();
    const emails = emailsOf('mf', 30);
    const folder = writeTree(join(makeTempDir(), 'manifest-export'), {
      'default.manifest.cdm.json': {
        jsonSchemaSemanticVersion: '1.0.0',
        manifestName: 'default',
        entities: [
          {
            type: 'LocalEntity',
            entityName: 'Segment',
            entityPath: 'Segment.cdm.json/Segment',
            dataPartitions: [
              {
                location: 'adls:/customerinsights/exports/manifest-export/Segment/first.csv',
                exhibitsTraits: [
                  {
                    traitReference: 'is.partition.format.CSV',
                    arguments: [
                      { name: 'columnHeaders', value: 'true' },
                      { name: 'delimiter', value: '|' },
                    ],
                  },
                ],
              },
            ],
            dataPartitionPatterns: [
              {
                name: 'rest',
                rootLocation: 'Segment/rest',
                globPattern: '*.csv',
                exhibitsTraits: [{ traitReference: 'is.partition.format.CSV', arguments: [{ name: 'columnHeaders', value: 'false' }] }],
              },
            ],
          },
        ],
      },
      'Segment.cdm.json': {
        jsonSchemaSemanticVersion: '1.0.0',
        definitions: [
          {
            entityName: 'Segment',
            hasAttributes: [
              { name: 'EmailAddress', dataFormat: 'String' },
              { name: 'Tier', dataFormat: 'String' },
            ],
          },
        ],
      },
      'Segment/first.csv': `EmailAddress|Tier\n${emails
        .slice(0, 10)
        .map((email) => `${email}|gold`)
        .join('\n')}\n`,
      'Segment/rest/part-1.csv': emails
        .slice(10, 20)
        .map((email) => `${email},silver\n`)
        .join(''),
      'Segment/rest/part-2.csv': emails
        .slice(20)
        .map((email) => `${email},bronze\n`)
        .join(''),
      'Segment/rest/_SUCCESS': '',
    });
    const result = await cli(['push', '--list', LIST, '--yes', folder, '--json']);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 30, valid: 30, rejected: 0, duplicates: 0 });
    expect(sandbox!.listMemberEmails(LIST).sort()).toEqual([...emails].sort());
    expect(sandbox!.profileAttributes(emails[25]!)).toMatchObject({ properties: { Tier: 'bronze' } });
  });
});
