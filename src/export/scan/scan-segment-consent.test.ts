import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import type { ConsentRequest } from '../../mapping/consent-mapping.js';
import type { MappingRequest } from '../../mapping/mapping-spec.js';
import { scanSegment } from './scan-segment.js';
import { recordingLedger } from '../rejects/row-ledger.test-support.js';
import type { SubscribeCandidate } from './subscribe-candidate.js';

const dir = mkdtempSync(join(tmpdir(), 'kx-scan-consent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = { maxProfilesPerRequest: 10_000, maxRequestBytes: 5_000_000, maxProfilesPerExport: 100_000 };
const NOW = Date.parse('2026-07-20T12:00:00Z');

async function scan(name: string, text: string, consent: ConsentRequest, mapping: MappingRequest = { maps: [] }) {
  const file = join(dir, name);
  writeFileSync(file, text);
  const candidates: SubscribeCandidate[] = [];
  const { ledger, rejectedRows: rejected } = recordingLedger();
  const result = await scanSegment({
    source: { input: file },
    mapping,
    limits: LIMITS,
    listId: 'Y6nRLr',
    consent,
    now: NOW,
    onConsenting: (candidate) => candidates.push(candidate),
    ledger,
  });
  return { result: { ...result, ...ledger.scanOutcomes() }, candidates, rejected };
}

describe('scanSegment with --subscribe', () => {
  it('sends every valid row to the list, and hands on only those that consented', async () => {
    const csv = [
      'Email,Accepts Email Marketing,Consented At',
      'ann@example.com,yes,2024-03-05 14:30',
      'bo@example.com,no,',
      'cy@example.com,,',
      'dee@example.com,maybe,',
      'Ann@Example.com,yes,',
      'ed@example.com,TRUE,',
    ].join('\n');

    const { result, candidates, rejected } = await scan('mixed.csv', csv, {
      subscribe: ['email'],
      emailConsentColumn: 'Accepts Email Marketing',
      consentedAtColumn: 'Consented At',
    });

    expect(result.validProfiles).toBe(4);
    expect(candidates).toEqual([
      { line: 2, email: 'ann@example.com', channels: { email: true, sms: false }, consentedAtMs: Date.parse('2024-03-05T14:30:00Z') },
      { line: 7, email: 'ed@example.com', channels: { email: true, sms: false } },
    ]);
    expect(result.consent).toMatchObject({ consenting: 2, notConsenting: { count: 2, lines: [3, 4] }, smsWithoutPhone: { count: 0 } });
    expect(rejected.map((row) => [row.line, row.reason])).toEqual([
      [5, 'invalid_consent'],
      [6, 'duplicate'],
    ]);
    expect(result.rejectedByReason).toEqual([
      { reason: 'invalid_consent', description: 'The consent column holds neither yes nor no.', count: 1, lines: [5] },
    ]);
  });

  it('carries the E.164 phone number of rows that consent to SMS, and counts those without one', async () => {
    const csv = ['email,mobile,sms_ok', 'ann@example.com,(415) 555-2671,1', 'bo@example.com,,1', 'cy@example.com,(415) 555-2672,0'].join(
      '\n',
    );
    const { candidates, result } = await scan(
      'sms.csv',
      csv,
      { subscribe: ['sms'], smsConsentColumn: 'sms_ok' },
      { maps: ['phone_number=mobile'], defaultCountry: 'US' },
    );
    expect(candidates).toEqual([{ line: 2, email: 'ann@example.com', channels: { email: false, sms: true }, phoneNumber: '+14155552671' }]);
    expect(result.consent?.smsWithoutPhone).toEqual({ count: 1, lines: [3] });
    expect(result.consent?.notConsenting).toEqual({ count: 2, lines: [3, 4] });
  });

  it('reads consent keys that first appear late in a JSON file, and refuses one that never appears', async () => {
    const lines = ['{"email":"a@example.com"}', '{"email":"b@example.com","opt_in":true}'];
    const { candidates } = await scan('late.ndjson', `${lines.join('\n')}\n`, { subscribe: ['email'], emailConsentColumn: 'opt_in' });
    expect(candidates.map((candidate) => candidate.line)).toEqual([2]);

    await expect(scan('typo.ndjson', `${lines.join('\n')}\n`, { subscribe: ['email'], emailConsentColumn: 'optin' })).rejects.toThrow(
      UsageError,
    );
  });

  it('reads no consent without --subscribe', async () => {
    const { result, candidates } = await scan('plain.csv', 'email,opt_in\nann@example.com,yes\n', { subscribe: [] });
    expect(result.consent).toBeUndefined();
    expect(candidates).toEqual([]);
  });
});
