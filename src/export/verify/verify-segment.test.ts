import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ListMember } from '../../klaviyo/klaviyo-client.js';
import { KLAVIYO_BATCH_LIMITS } from '../batches/batch-limits.js';
import type { RejectedRow } from '../scan/scan-segment.js';
import { verifySegment, type VerifyPlan, type VerifyRequest } from './verify-segment.js';

const dir = mkdtempSync(join(tmpdir(), 'kx-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A list in memory, keyed by lower-cased email, answering like get_profiles_for_list. */
function fakeList(members: Record<string, Record<string, unknown>>) {
  const lookups: { emails: readonly string[]; fields: readonly string[] }[] = [];
  const client = {
    getList: (id: string) => Promise.resolve({ id, name: 'Newsletter' }),
    findListMembers: (_listId: string, emails: readonly string[], fields: readonly string[] = []): Promise<ListMember[]> => {
      lookups.push({ emails, fields });
      const found = emails.flatMap((email) => {
        const attributes = members[email.toLowerCase()];
        return attributes === undefined ? [] : [{ id: `p-${email}`, email: email.toLowerCase(), attributes: { email, ...attributes } }];
      });
      return Promise.resolve(found);
    },
    stats: () => ({ requests: lookups.length + 1, retries: 0, throttled: 0, byOperation: {} }),
  };
  return { client, lookups };
}

function csvFile(lines: string[]): string {
  const file = join(dir, `segment-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function request(file: string, extra: Partial<VerifyRequest> = {}): VerifyRequest {
  return {
    source: { input: file },
    mapping: { maps: [] },
    limits: KLAVIYO_BATCH_LIMITS,
    listId: 'Y6nRLr',
    sampleSize: undefined,
    seed: 1,
    checkAttributes: false,
    strict: false,
    ...extra,
  };
}

const rowsOf = (count: number) => Array.from({ length: count }, (_, i) => `user${i}@example.com,Name${i}`);

describe('verifySegment', () => {
  it('finds every missing row of the file, 100 emails a lookup, and hands them over in file order with their values', async () => {
    const file = csvFile(['Email,First', ...rowsOf(250), 'not-an-email,X', 'USER0@example.com,Dup']);
    const members = Object.fromEntries(
      rowsOf(250)
        .map((_, i) => [`user${i}@example.com`, {}])
        .filter((_, i) => i % 50 !== 7),
    );
    const { client, lookups } = fakeList(members);
    const missing: RejectedRow[] = [];
    const plans: VerifyPlan[] = [];
    const summary = await verifySegment(request(file), {
      client,
      now: () => 0,
      events: { onMissing: (row) => missing.push(row), onPlanned: (plan) => plans.push(plan) },
    });

    expect(summary.outcome).toBe('some-missing');
    expect(summary.rows).toEqual({ read: 252, valid: 250, rejected: 1, duplicates: 1 });
    expect(summary.sample).toEqual({ all: true, size: null, seed: null, checked: 250 });
    expect(summary.present).toBe(245);
    // user7, user57, ... on lines 9, 59, 109, 159, 209.
    expect(summary.missing).toEqual({ count: 5, lines: [9, 59, 109, 159, 209] });
    expect(missing.map((row) => [row.line, row.reason, row.fields])).toEqual(
      [7, 57, 107, 157, 207].map((i) => [i + 2, 'missing', { Email: `user${i}@example.com`, First: `Name${i}` }]),
    );
    expect(lookups.map((lookup) => lookup.emails.length)).toEqual([100, 100, 50]);
    expect(plans).toEqual([{ valid: 250, toCheck: 250, requests: 3, estimatedMs: 0, estimatedAllMs: 0 }]);
  });

  it('checks a sample of the asked size, the same rows for the same seed', async () => {
    const file = csvFile(['Email,First', ...rowsOf(1_000)]);
    const checkedWith = async (seed: number) => {
      const { client, lookups } = fakeList({});
      const summary = await verifySegment(request(file, { sampleSize: 120, seed }), { client, now: () => 0 });
      expect(summary.sample).toEqual({ all: false, size: 120, seed, checked: 120 });
      expect(summary.missing.count).toBe(120);
      return lookups.flatMap((lookup) => lookup.emails);
    };
    const first = await checkedWith(5);
    expect(new Set(first).size).toBe(120);
    expect(await checkedWith(5)).toEqual(first);
    expect(await checkedWith(6)).not.toEqual(first);
  });

  it('with attributes, counts the members whose mapped fields differ, by field, and ignores blank cells', async () => {
    const file = csvFile(['Email,First,City,Tier', 'a@example.com,Ann,Lyon,gold', 'b@example.com,Bob,,silver', 'c@example.com,Cy,Oslo,']);
    const { client, lookups } = fakeList({
      'a@example.com': { first_name: 'Ann', location: { city: 'Paris' }, properties: { tier: 'gold' } },
      'b@example.com': { first_name: 'Robert', location: { city: 'Rome' }, properties: { tier: 'bronze' } },
      'c@example.com': { first_name: 'Cy', location: { city: 'Oslo' }, properties: {} },
    });
    const summary = await verifySegment(
      request(file, { checkAttributes: true, mapping: { maps: ['first_name=First', 'location.city=City', 'properties.tier=Tier'] } }),
      { client, now: () => 0 },
    );
    expect(summary.outcome).toBe('all-present');
    expect(lookups[0]?.fields).toEqual(['first_name', 'location.city', 'properties']);
    expect(summary.attributes).toEqual({
      fields: ['first_name', 'location.city', 'properties.tier'],
      mismatched: 2,
      byField: [
        { field: 'first_name', column: 'First', count: 1, lines: [3] },
        { field: 'location.city', column: 'City', count: 1, lines: [2] },
        { field: 'properties.tier', column: 'Tier', count: 1, lines: [3] },
      ],
    });
  });

  it('checks nothing when no row is valid, or with strict and a rejected row', async () => {
    const { client, lookups } = fakeList({});
    const invalid = await verifySegment(request(csvFile(['Email', 'nope'])), { client, now: () => 0 });
    expect(invalid.outcome).toBe('nothing-to-check');
    const strict = await verifySegment(request(csvFile(['Email', 'a@example.com', 'nope']), { strict: true }), { client, now: () => 0 });
    expect(strict.outcome).toBe('rejected-strict');
    expect(lookups).toEqual([]);
  });
});
