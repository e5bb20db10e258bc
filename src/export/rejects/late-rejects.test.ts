import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LateRejects } from './late-rejects.js';
import { RejectsFile } from './rejects-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'late-rejects-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CSV = ['Email,First Name,Tier', 'ann@example.com,Ann,gold', 'bob@example.com,Bob,', 'cy@example.com,"Cy, Jr.",silver', ''].join('\n');

async function writeLate(
  content: string,
  file: string,
  fill: (late: LateRejects) => void,
  columns = ['Email', 'First Name', 'Tier'],
): Promise<string[]> {
  const input = join(dir, file);
  await writeFile(input, content);
  const rejects = new RejectsFile(join(dir, 'rejects.csv'), input);
  rejects.setColumns(columns, { mayGrow: false });
  const late = new LateRejects();
  fill(late);
  await late.writeTo(rejects, { input }, columns[0]!);
  rejects.close();
  return (await readFile(join(dir, 'rejects.csv'), 'utf8')).trim().split('\n');
}

describe('LateRejects', () => {
  it('writes the rows delivery did not deliver with their original columns, in file order', async () => {
    const rows = await writeLate(CSV, 'segment.csv', (late) => {
      late.add({ line: 4, reason: 'klaviyo_invalid', detail: 'Invalid phone number.', email: 'CY@example.com' });
      late.add({ line: 2, reason: 'unconfirmed', detail: 'Sent in Klaviyo import job J1.' });
    });
    expect(rows).toEqual([
      'line,reason,detail,Email,First Name,Tier',
      '2,unconfirmed,Sent in Klaviyo import job J1.,ann@example.com,Ann,gold',
      '4,klaviyo_invalid,Invalid phone number.,cy@example.com,"Cy, Jr.",silver',
    ]);
  });

  it('writes no values for a line that holds another row than the one sent (the file changed meanwhile)', async () => {
    const rows = await writeLate(CSV, 'segment.csv', (late) => {
      late.add({ line: 3, reason: 'not_delivered', detail: 'Klaviyo could not be reached.', email: 'someone-else@example.com' });
      late.add({ line: 9, reason: 'not_delivered', detail: 'Klaviyo could not be reached.', email: 'gone@example.com' });
    });
    expect(rows[1]).toBe(
      '3,not_delivered,Klaviyo could not be reached. (the file changed during the run: this line now holds another row),,,',
    );
    expect(rows[2]).toMatch(/^9,not_delivered,.*not found again in the file/);
  });

  it('tells JSON rows apart by their element, even when they share a line', async () => {
    const json = '[{"email":"a@example.com","tier":"x"},{"email":"b@example.com","tier":"y"}]';
    const input = join(dir, 'segment.json');
    await writeFile(input, json);
    const rejects = new RejectsFile(join(dir, 'rejects.csv'), input);
    rejects.setColumns(['email', 'tier'], { mayGrow: true, hasElement: true });
    const late = new LateRejects();
    late.add({ line: 1, element: 1, reason: 'klaviyo_invalid', detail: 'No.', email: 'b@example.com' });
    await late.writeTo(rejects, { input }, 'email');
    rejects.close();
    const rows = (await readFile(join(dir, 'rejects.csv'), 'utf8')).trim().split('\n');
    expect(rows).toEqual(['line,element,reason,detail,email,tier,other_fields', '1,1,klaviyo_invalid,No.,b@example.com,y,']);
  });

  it('keeps many rows compactly and in order', async () => {
    const lines = ['email', ...Array.from({ length: 5000 }, (_, i) => `u${i}@example.com`)].join('\n');
    const rows = await writeLate(
      lines,
      'many.csv',
      (late) => {
        for (let i = 4999; i >= 0; i -= 1) late.add({ line: i + 2, reason: 'unconfirmed', detail: 'job J' });
        expect(late.size).toBe(5000);
      },
      ['email'],
    );
    expect(rows).toHaveLength(5001);
    expect(rows[1]).toBe('2,unconfirmed,job J,u0@example.com');
    expect(rows[5000]).toBe('5001,unconfirmed,job J,u4999@example.com');
  });
});
