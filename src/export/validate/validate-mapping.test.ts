import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSummaryText } from '../../report/render-summary-text.js';
import { validateSegment } from './validate-segment.js';

const dir = mkdtempSync(join(tmpdir(), 'kx-validate-mapping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('validateSegment: the mapping in the plan', () => {
  const csv = write(
    'customers.csv',
    'Email,First Name,Phone,Total Spent,Tax Exempt,Since,Tags,Accepts SMS Marketing\n' +
      'a@example.com,Ann,+16175551234,12.50,no,2024-03-25,vip,yes\n' +
      'b@example.com,Bob,,0,yes,,"a, b",no\n',
  );

  it('says which column goes where, with the types the whole columns settled on', async () => {
    const summary = await validateSegment({ file: csv });
    expect(summary.mapping).toEqual({
      email: 'Email',
      fields: [
        { target: 'first_name', column: 'First Name', byName: true },
        { target: 'phone_number', column: 'Phone', byName: true },
      ],
      properties: [
        { name: 'Total Spent', column: 'Total Spent', type: 'number', byName: true },
        { name: 'Tax Exempt', column: 'Tax Exempt', type: 'boolean', byName: true },
        { name: 'Since', column: 'Since', type: 'date', byName: true },
        { name: 'Tags', column: 'Tags', type: 'text', byName: true },
        { name: 'Accepts SMS Marketing', column: 'Accepts SMS Marketing', type: 'boolean', byName: true },
      ],
      notSent: [],
    });
    const text = renderSummaryText(summary);
    expect(text).toContain('  mapping (column -> Klaviyo)\n');
    expect(text).toMatch(/"First Name" +-> first_name \(by its name\)\n/);
    expect(text).toMatch(/"Total Spent" +-> properties\."Total Spent" \(number\)\n/);
  });

  it('leaves out what --map, --no-default-map and --no-properties leave out, and says why', async () => {
    const summary = await validateSegment({ file: csv, map: ['properties.spent=Total Spent'], defaultMap: false, properties: false });
    expect(summary.mapping.fields).toEqual([]);
    expect(summary.mapping.properties).toEqual([{ name: 'spent', column: 'Total Spent', type: 'number', byName: false }]);
    expect(summary.mapping.notSent.map((column) => `${column.column}: ${column.reason}`)).toEqual([
      'First Name: no-properties',
      'Phone: no-properties',
      'Tax Exempt: no-properties',
      'Since: no-properties',
      'Tags: no-properties',
      'Accepts SMS Marketing: no-properties',
    ]);
    expect(renderSummaryText(summary)).toMatch(/"Phone" +not sent: --no-properties\n/);
  });

  it('lists every JSON key sent as a property, later ones too, as the file types them', async () => {
    const json = write('profiles.json', '{"data": [{"email": "a@example.com", "orders": 3}, {"email": "b@example.com", "plan": "pro"}]}');
    const summary = await validateSegment({ file: json });
    expect(summary.mapping.properties).toEqual([
      { name: 'orders', column: 'orders', type: 'json', byName: true },
      { name: 'plan', column: 'plan', type: 'json', byName: true },
    ]);
    expect(summary.rows.valid).toBe(2);
  });
});
