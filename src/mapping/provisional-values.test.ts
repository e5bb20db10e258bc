import { describe, expect, it } from 'vitest';
import { createRecordMapper } from './map-record.js';
import { resolveMapping } from './mapping-spec.js';
import { settleAttributesJson, settleProvisionalValues } from './provisional-values.js';

/** Maps CSV rows (every column but Email a property), settles the types, and returns what each profile would send. */
function sendRows(rows: readonly Record<string, string>[]) {
  const columns = ['Email', ...Object.keys(rows[0] ?? {})];
  const mapRecord = createRecordMapper(resolveMapping(columns, { maps: [], sendsOtherColumns: true }, 'segment.csv'));
  const staged = rows.map((row, index) => {
    const outcome = mapRecord({ line: index + 2, fields: { Email: `p${index}@example.com`, ...row } });
    if (outcome.kind !== 'profile') throw new Error(outcome.detail);
    return outcome;
  });
  const types = mapRecord.settledPropertyTypes();
  const sent = staged.map((outcome) => {
    const settled = settleAttributesJson(outcome.attributesJson, types);
    // Settling keeps every byte where it was: the sizes counted while reading stay exact.
    expect(Buffer.byteLength(settled)).toBe(outcome.attributesBytes);
    expect(settled).not.toContain('\t');
    return (JSON.parse(settled) as { properties?: Record<string, unknown> }).properties;
  });
  return { types, sent };
}

describe('CSV property values typed by their whole column', () => {
  it('sends numbers, booleans and ISO dates when every value of the column is one, text otherwise', () => {
    const { types, sent } = sendRows([
      { Orders: '12', VIP: 'yes', Since: '03/05/2024', Tier: 'gold', Zip: '02108', Score: '7' },
      { Orders: '0', VIP: 'No', Since: '25/12/2023', Tier: 'silver', Zip: '10017', Score: 'n/a' },
      { Orders: '', VIP: 'TRUE', Since: '', Tier: '7', Zip: '94110', Score: '8.5' },
    ]);
    expect(types).toEqual([
      { name: 'Orders', type: 'number' },
      { name: 'VIP', type: 'boolean' },
      { name: 'Since', type: 'date', isDayFirst: true },
      { name: 'Tier', type: 'text' },
      { name: 'Zip', type: 'text' },
      { name: 'Score', type: 'number' },
    ]);
    expect(sent).toEqual([
      { Orders: 12, VIP: true, Since: '2024-05-03', Tier: 'gold', Zip: '02108', Score: 7 },
      // A no-value marker in a typed column sends nothing; an empty cell never does.
      { Orders: 0, VIP: false, Since: '2023-12-25', Tier: 'silver', Zip: '10017' },
      { VIP: true, Tier: '7', Zip: '94110', Score: 8.5 },
    ]);
  });

  it('keeps a no-value marker as written in a text column', () => {
    expect(sendRows([{ Region: 'NA' }, { Region: 'EU' }]).sent).toEqual([{ Region: 'NA' }, { Region: 'EU' }]);
  });

  it.each([
    ['the only property', [{ A: 'NULL' }, { A: '1' }], [{}, { A: 1 }]],
    [
      'the first and the last of several',
      [
        { A: 'NULL', B: 'x', C: '-' },
        { A: '1', B: 'y', C: '2' },
      ],
      [{ B: 'x' }, { A: 1, B: 'y', C: 2 }],
    ],
    [
      'every one of several',
      [
        { A: 'NULL', B: 'N/A' },
        { A: '1', B: 'true' },
      ],
      [{}, { A: 1, B: true }],
    ],
  ])('blanks a no-value marker when it is %s', (_case, rows, expected) => {
    expect(sendRows(rows).sent.map((properties) => properties ?? {})).toEqual(expected);
  });

  it('finds the property by its name whatever the name holds', () => {
    const { sent } = sendRows([
      { 'Ça "va"\\': '1', Ça: 'x' },
      { 'Ça "va"\\': '2', Ça: 'y' },
    ]);
    expect(sent).toEqual([
      { 'Ça "va"\\': 1, Ça: 'x' },
      { 'Ça "va"\\': 2, Ça: 'y' },
    ]);
  });

  it('settles a whole request body, and leaves a body without provisional values as it is', () => {
    const body = Buffer.from(
      '{"data":[{"attributes":{"email":"a@example.com","properties":{"n":\t"12"}}},{"attributes":{"email":"b@example.com"}}]}',
    );
    const settled = settleProvisionalValues(body, [{ name: 'n', type: 'number' }]).toString();
    expect(JSON.parse(settled)).toEqual({
      data: [{ attributes: { email: 'a@example.com', properties: { n: 12 } } }, { attributes: { email: 'b@example.com' } }],
    });
    const plain = Buffer.from('{"a":"\\t"}');
    expect(settleProvisionalValues(plain, []).toString()).toBe('{"a":"\\t"}');
  });
});
