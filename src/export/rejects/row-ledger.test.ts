import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProfileMapping } from '../../mapping/mapping-spec.js';
import { describeRejectsWritten } from '../../report/rejects-written.js';
import { openRowLedger, RowLedger } from './row-ledger.js';
import type { RowOutcome } from './row-outcome.js';

const dir = mkdtempSync(join(tmpdir(), 'kx-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAPPING: ProfileMapping = { emailColumn: 'Email', fields: [{ target: 'first_name', column: 'First' }] };
const SENT = { attributes: { email: 'bo@example.com', first_name: 'Bo' } };

/** One outcome of each kind, on lines 2 to 9, as the stages record them. */
const OUTCOMES: readonly [line: number, outcome: RowOutcome][] = [
  [2, { kind: 'rejected', code: 'invalid_email', description: 'Not an address.', detail: 'x@', fields: { Email: 'x@', First: 'X' } }],
  [
    3,
    {
      kind: 'rejected',
      code: 'duplicate',
      description: 'Same email.',
      detail: 'Same email as line 2.',
      fields: { Email: 'a@example.com' },
    },
  ],
  [4, { kind: 'refused', code: 'klaviyo_invalid', description: 'Invalid phone.', detail: 'bad +1', sent: SENT }],
  [5, { kind: 'not-delivered', description: 'The request failed.', sent: SENT }],
  [6, { kind: 'unconfirmed', jobId: 'JOB1' }],
  [7, { kind: 'kept-opted-out', channel: 'email', reason: 'unsubscribed', description: 'Unsubscribed.' }],
  [8, { kind: 'subscribe-refused', code: 'subscribe_invalid', description: 'Refused.', detail: 'no', email: 'cy@example.com' }],
  [9, { kind: 'not-subscribed', cause: 'failed', description: 'Failed.', detail: '503', email: 'dee@example.com' }],
  [10, { kind: 'not-subscribed', cause: 'not-sent', description: 'Not sent.', detail: '', email: 'ed@example.com' }],
];

function recordAll(ledger: RowLedger): void {
  ledger.setSource(MAPPING, ['Email', 'First'], 'csv');
  for (const [line, outcome] of OUTCOMES) ledger.record({ line }, outcome);
}

describe('RowLedger', () => {
  it('counts each outcome once, under its own heading, with its line', () => {
    const ledger = new RowLedger();
    recordAll(ledger);
    ledger.recordUnnamedRefusals(2);
    expect(ledger.scanOutcomes()).toEqual({
      rejected: 1,
      rejectedByReason: [{ reason: 'invalid_email', description: 'Not an address.', count: 1, lines: [2] }],
      duplicates: { count: 1, lines: [3] },
    });
    expect(ledger.deliveryOutcomes()).toEqual({
      refusedByKlaviyo: [{ reason: 'klaviyo_invalid', description: 'Invalid phone.', count: 1, lines: [4] }],
      refused: 3,
      refusedWithoutDetail: 2,
      notDelivered: { count: 1, lines: [5] },
      notDeliveredCauses: [{ description: 'The request failed.', count: 1 }],
      unconfirmed: { count: 1, lines: [6] },
    });
    expect(ledger.consentOutcomes()).toEqual({
      keptOptedOut: [{ reason: 'email_unsubscribed', description: 'Unsubscribed.', count: 1, lines: [7] }],
      keptOptedOutCount: 1,
      refusedByKlaviyo: [{ reason: 'subscribe_invalid', description: 'Refused.', count: 1, lines: [8] }],
      refused: 1,
      notSubscribed: { count: 2, lines: [9, 10] },
      uncertain: { count: 0, lines: [] },
    });
  });

  it('writes every row to fix to the rejects file, with what was sent when the file cannot be read again', async () => {
    const path = join(dir, 'stdin-rejects.csv');
    const ledger = openRowLedger({ rejectsPath: path, input: '-', hasLaterStages: true });
    recordAll(ledger);
    await ledger.writeRejects({ input: '-' });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toEqual([
      'line,reason,detail,Email,First',
      '2,invalid_email,x@,x@,X',
      '3,duplicate,Same email as line 2.,a@example.com,',
      '4,klaviyo_invalid,bad +1,bo@example.com,Bo',
      '5,not_delivered,The request failed.,bo@example.com,Bo',
      '6,unconfirmed,"Sent in Klaviyo import job JOB1, which was not followed to its end; run the same command again to follow it up.",,',
      '8,subscribe_refused,no,cy@example.com,',
      '9,subscribe_failed,503,dee@example.com,',
    ]);
    const byKind = {
      rejected: 1,
      duplicate: 1,
      refused: 1,
      'not-delivered': 1,
      unconfirmed: 1,
      'subscribe-refused': 1,
      'not-subscribed': 1,
    };
    expect(ledger.rejectsWritten).toEqual({ path, rows: 7, byKind });
    // The summary's words, so that a rejects file after a stop never reads as 7 rejected rows.
    expect(describeRejectsWritten(ledger.rejectsWritten!)).toBe(
      `7 rows written to ${path}: 1 rejected, 1 duplicate, 1 refused by Klaviyo, 1 not delivered, 1 not yet confirmed, 1 refused a subscription by Klaviyo, 1 not subscribed.`,
    );
  });

  it("writes the later stages' rows with their columns read again from the file, in file order", async () => {
    const input = join(dir, 'segment.csv');
    const lines = ['Email,First', 'x@,X', 'a@example.com,A', 'bo@example.com,Bo', 'bo2@example.com,B2'];
    lines.push('b6@example.com,B6', 'b7@example.com,B7', 'cy@example.com,Cy', 'dee@example.com,Dee', 'ed@example.com,Ed');
    writeFileSync(input, lines.join('\n'));
    const path = join(dir, 'late-rejects.csv');
    const ledger = openRowLedger({ rejectsPath: path, input, hasLaterStages: true });
    recordAll(ledger);
    await ledger.writeRejects({ input });
    await ledger.writeRejects({ input });
    const written = readFileSync(path, 'utf8').trim().split('\n');
    expect(written.slice(0, 3)).toEqual([
      'line,reason,detail,Email,First',
      '2,invalid_email,x@,x@,X',
      '3,duplicate,Same email as line 2.,a@example.com,',
    ]);
    expect(written.slice(3).map((row) => row.split(',').slice(0, 2).join(','))).toEqual([
      '4,klaviyo_invalid',
      // Line 5 holds another address than the one sent: written without values, saying so.
      '5,not_delivered',
      '6,unconfirmed',
      '8,subscribe_refused',
      '9,subscribe_failed',
    ]);
    expect(written[3]).toBe('4,klaviyo_invalid,bad +1,bo@example.com,Bo');
    expect(written[4]).toContain('this line now holds another row');
    expect(written.at(-1)).toBe('9,subscribe_failed,503,dee@example.com,Dee');
  });

  it('shows each outcome to its observer as it is recorded', () => {
    const seen: string[] = [];
    const ledger = new RowLedger({ observe: (row, outcome) => seen.push(`${row.line}:${outcome.kind}`) });
    recordAll(ledger);
    expect(seen).toEqual(OUTCOMES.map(([line, outcome]) => `${line}:${outcome.kind}`));
  });
});
