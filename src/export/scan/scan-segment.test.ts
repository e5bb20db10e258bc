import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PROFILE_BYTES } from '../batches/batch-limits.js';
import { scanSegment } from './scan-segment.js';
import { recordingLedger } from '../rejects/row-ledger.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'kx-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIMITS = { maxProfilesPerRequest: 10_000, maxRequestBytes: 5_000_000, maxProfilesPerExport: 100_000 };

/** Scans a CSV of `Email,Phone,Notes` rows (lines 2, 3, ...) with Notes mapped to a custom property. */
async function scanRows(rows: readonly (readonly [email: string, phone: string, notes: string])[]) {
  const file = join(dir, `segment-${rows.length}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, ['Email,Phone,Notes', ...rows.map((row) => row.join(','))].join('\n'));
  const { ledger, rejectedRows } = recordingLedger();
  const bodies: string[] = [];
  const scan = await scanSegment({
    source: { input: file },
    mapping: { maps: ['phone_number=Phone', 'properties.notes=Notes'] },
    limits: LIMITS,
    listId: 'Y6nRLr',
    ledger,
    onBatch: (batch) => void bodies.push(batch.body!.toString('utf8')),
  });
  return { result: { ...scan, ...ledger.scanOutcomes() }, rejectedRows, bodies };
}

const resourceOf = (notes: string) => `{"type":"profile","attributes":{"email":"a@example.com","properties":{"notes":"${notes}"}}}`;
const OVERHEAD_BYTES = Buffer.byteLength(resourceOf(''));

describe('scanSegment: profile size', () => {
  it('sends a profile of exactly 100,000 bytes as the resource object, written exactly as Klaviyo receives it', async () => {
    const notes = 'x'.repeat(MAX_PROFILE_BYTES - OVERHEAD_BYTES);
    const { result, bodies } = await scanRows([['a@example.com', '', notes]]);
    expect(result.validProfiles).toBe(1);
    const resource = resourceOf(notes);
    expect(Buffer.byteLength(resource)).toBe(MAX_PROFILE_BYTES);
    expect(bodies).toEqual([
      `{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[${resource}]}},` +
        '"relationships":{"lists":{"data":[{"type":"list","id":"Y6nRLr"}]}}}}',
    ]);
  });

  it('rejects a profile one byte over, with its size, and counts UTF-8 bytes, not characters', async () => {
    // '€' is 3 bytes: 33,000 of them fit (99,000 bytes), 33,400 (100,200 bytes, 100,283 with the rest) do not.
    const { result, rejectedRows } = await scanRows([
      ['a@example.com', '', 'x'.repeat(MAX_PROFILE_BYTES - OVERHEAD_BYTES + 1)],
      ['b@example.com', '', '€'.repeat(33_000)],
      ['c@example.com', '', '€'.repeat(33_400)],
    ]);
    expect(result.validProfiles).toBe(1);
    expect(result.rejectedByReason).toEqual([
      {
        reason: 'profile_too_large',
        description: "The profile is larger than Klaviyo's 100 KB per-profile limit.",
        count: 2,
        lines: [2, 4],
      },
    ]);
    expect(rejectedRows.map(({ line, reason, detail }) => ({ line, reason, detail }))).toEqual([
      {
        line: 2,
        reason: 'profile_too_large',
        detail: 'The profile is 100001 bytes as JSON; Klaviyo accepts at most 100000 bytes per profile.',
      },
      {
        line: 4,
        reason: 'profile_too_large',
        detail: 'The profile is 100283 bytes as JSON; Klaviyo accepts at most 100000 bytes per profile.',
      },
    ]);
  });

  it('checks the email first, then the size, then duplicates: a profile too large claims neither its email nor warnings', async () => {
    const tooLarge = 'x'.repeat(MAX_PROFILE_BYTES);
    const { result, rejectedRows } = await scanRows([
      ['', '', tooLarge],
      ['a@example.com', '12', tooLarge],
      ['A@example.com', '', 'small'],
      ['a@example.com', '', 'small'],
    ]);
    expect(rejectedRows.map(({ line, reason }) => [line, reason])).toEqual([
      [2, 'blank_email'],
      [3, 'profile_too_large'],
      [5, 'duplicate'],
    ]);
    expect(rejectedRows[2]?.detail).toBe('Same email as line 4, which is the one sent.');
    expect(result.validProfiles).toBe(1);
    expect(result.warnings).toEqual([]);
  });
});

describe('scanSegment: selectProfile (--changed-only)', () => {
  it('asks once per valid unique profile, with its lower-cased email, and leaves out the ones it declines', async () => {
    const file = join(dir, 'select.csv');
    writeFileSync(file, ['Email,Notes', 'Ana@Example.com,one', 'bo@example.com,two', 'ana@example.com,dup', 'not-an-email,x'].join('\n'));
    const asked: [string, string][] = [];
    const bodies: string[] = [];

    const result = await scanSegment({
      source: { input: file },
      mapping: { maps: ['properties.notes=Notes'] },
      limits: LIMITS,
      listId: 'Y6nRLr',
      ledger: recordingLedger().ledger,
      selectProfile: (email, attributesJson) => {
        asked.push([email, attributesJson]);
        return email !== 'ana@example.com';
      },
      onBatch: (batch) => void bodies.push(batch.body!.toString('utf8')),
    });

    expect(asked).toEqual([
      ['ana@example.com', '{"email":"Ana@Example.com","properties":{"notes":"one"}}'],
      ['bo@example.com', '{"email":"bo@example.com","properties":{"notes":"two"}}'],
    ]);
    expect([result.validProfiles, result.skippedProfiles, result.batches]).toEqual([2, 1, 1]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('bo@example.com');
    expect(bodies[0]).not.toContain('Ana@Example.com');
  });
});
