import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/sandbox-server.js';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

const KEY = 'pk_e2e_mapping_key_0123456789abcdef';
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

function cli(args: string[], input?: string) {
  return runCli(args, { env: { KLAVIYO_API_KEY: KEY, KLAVIYO_BASE_URL: sandbox!.url }, input });
}

/** A Shopify customers export, as its admin writes it. */
const SHOPIFY = [
  'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Total Spent,Total Orders,Tags,Tax Exempt,Last Order Date,Note',
  '7001,Ann,Lee,ann@example.com,yes,Boston,MA,US,02108,,+1 617 555 0101,120.50,3,"vip, newsletter",no,03/05/2024,',
  '7002,Bob,Stone,bob@example.com,no,Lyon,,FR,69001,,+33 4 72 00 00 00,0,0,,yes,25/12/2023,call first',
  '7003,Cy,,cy@example.com,no,,,,,,,NULL,1,,no,,',
].join('\n');

describe('mapping by column names, custom properties and their types', () => {
  it('validate shows the mapping; push sends names, phone, location and typed properties, and says so before the first write', async () => {
    await start();
    const dir = makeTempDir();
    const file = join(dir, 'customers_export.csv');
    writeFileSync(file, `${SHOPIFY}\n`);

    const plan = await cli(['validate', file, '--report', join(dir, 'plan.json')]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/"First Name" +-> first_name \(by its name\)/);
    expect(plan.stdout).toMatch(/"Default Address City" +-> location\.city \(by its name\)/);
    expect(plan.stdout).toMatch(/"Total Spent" +-> properties\."Total Spent" \(number\)/);
    expect(plan.stdout).toMatch(/"Last Order Date" +-> properties\."Last Order Date" \(date\)/);
    const report = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(report.mapping.fields).toEqual(
      expect.arrayContaining([
        { target: 'phone_number', column: 'Phone', byName: true },
        { target: 'external_id', column: 'Customer ID', byName: true },
        { target: 'location.country', column: 'Default Address Country Code', byName: true },
      ]),
    );
    expect(report.mapping.properties).toEqual(
      expect.arrayContaining([
        { name: 'Tax Exempt', column: 'Tax Exempt', type: 'boolean', byName: true },
        { name: 'Tags', column: 'Tags', type: 'text', byName: true },
      ]),
    );

    const result = await cli([
      'push',
      '--list',
      LIST,
      '--yes',
      file,
      '--subscribe',
      'email',
      '--email-consent-column',
      'Accepts Email Marketing',
    ]);
    expect(result.code).toBe(0);
    // The mapping comes before the first upload.
    const mappingAt = result.stderr.indexOf('mapping (column -> Klaviyo)');
    expect(mappingAt).toBeGreaterThan(-1);
    expect(mappingAt).toBeLessThan(result.stderr.search(/^Sending \d/m));
    expect(result.stderr).toMatch(/"Accepts Email Marketing" +not sent: read for --subscribe/);

    expect(sandbox!.profileAttributes('ann@example.com')).toEqual({
      email: 'ann@example.com',
      external_id: '7001',
      first_name: 'Ann',
      last_name: 'Lee',
      phone_number: '+16175550101',
      location: { city: 'Boston', region: 'MA', country: 'US', zip: '02108' },
      // The consent column is read for --subscribe, not sent; dates are day first (25/12/2023 says so).
      properties: {
        'Total Spent': 120.5,
        'Total Orders': 3,
        Tags: 'vip, newsletter',
        'Tax Exempt': false,
        'Last Order Date': '2024-05-03',
      },
    });
    expect(sandbox!.profileAttributes('bob@example.com')).toMatchObject({
      phone_number: '+33472000000',
      properties: { 'Total Spent': 0, 'Tax Exempt': true, 'Last Order Date': '2023-12-25', Note: 'call first' },
    });
    // A NULL among numbers and empty cells send nothing.
    expect(sandbox!.profileAttributes('cy@example.com')).toEqual({
      email: 'cy@example.com',
      external_id: '7003',
      first_name: 'Cy',
      properties: { 'Total Orders': 1, 'Tax Exempt': false },
    });
  });

  it('--no-properties sends only the mapped fields, and --no-default-map only what --map names', async () => {
    await start();
    const file = join(makeTempDir(), 'segment.csv');
    writeFileSync(file, 'email,first_name,Phone,plan\nann@example.com,Ann,+16175550101,pro\nbob@example.com,Bob,,free\n');
    expect((await cli(['push', '--list', LIST, '--yes', '-q', file, '--no-properties'])).code).toBe(0);
    expect(sandbox!.profileAttributes('ann@example.com')).toEqual({
      email: 'ann@example.com',
      first_name: 'Ann',
      phone_number: '+16175550101',
    });

    const other = join(makeTempDir(), 'segment.csv');
    writeFileSync(other, 'email,first_name,plan\ncy@example.com,Cy,pro\n');
    const result = await cli([
      'push',
      '--list',
      LIST,
      '--yes',
      '--json',
      other,
      '--no-default-map',
      '--no-properties',
      '--map',
      'last_name=plan',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).mapping).toEqual({
      email: 'email',
      fields: [{ target: 'last_name', column: 'plan', byName: false }],
      properties: [],
      notSent: [{ column: 'first_name', reason: 'no-properties' }],
    });
    expect(sandbox!.profileAttributes('cy@example.com')).toEqual({ email: 'cy@example.com', last_name: 'pro' });
  });

  it('JSON: a {"data": [...]} file with a nested key in --map, and --json-path on standard input; JSON types are kept', async () => {
    await start();
    const file = join(makeTempDir(), 'profiles.json');
    const data = [
      { email: 'ann@example.com', firstName: 'Ann', address: { city: 'Paris', zip: '75001' }, orders: 3, vip: true, since: '2024-03-25' },
      { email: 'bob@example.com', address: { city: 'Lyon' }, zip: '01234', tags: ['a', 'b'] },
    ];
    writeFileSync(file, JSON.stringify({ data, links: { next: null } }, null, 2));
    const result = await cli(['push', '--list', LIST, '--yes', '--json', file, '--map', 'location.city=address.city']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rows).toEqual({ read: 2, valid: 2, rejected: 0, duplicates: 0 });
    expect(sandbox!.profileAttributes('ann@example.com')).toEqual({
      email: 'ann@example.com',
      first_name: 'Ann',
      location: { city: 'Paris' },
      properties: { orders: 3, vip: true, since: '2024-03-25' },
    });
    expect(sandbox!.profileAttributes('bob@example.com')).toEqual({
      email: 'bob@example.com',
      location: { city: 'Lyon', zip: '01234' },
      properties: { tags: ['a', 'b'] },
    });

    const wrapped = JSON.stringify({ response: { status: 'ok', customers: [{ email: 'cy@example.com', plan: 'pro' }] } });
    const fromStdin = await cli(['push', '--list', LIST, '--yes', '-q', '-', '--json-path', 'response.customers'], wrapped);
    expect(fromStdin.code).toBe(0);
    expect(sandbox!.profileAttributes('cy@example.com')).toEqual({ email: 'cy@example.com', properties: { plan: 'pro' } });

    const missing = await cli(['validate', '-', '--json-path', 'response.clients'], wrapped);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('<stdin>, line 1: the file has no array at "response.clients" (--json-path)');
  });
});
