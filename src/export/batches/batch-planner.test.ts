import { describe, expect, it } from 'vitest';
import { createProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import { profileResourcesOf } from './batch-contents.js';
import { BatchPlanner } from './batch-planner.js';
import { profileResourceBytes } from './profile-size.js';

const envelope = createProfileImportEnvelope('Y6nRLr');

interface Limits {
  maxProfilesPerRequest: number;
  maxRequestBytes: number;
  maxProfilesPerExport: number;
}

/** Plans the profiles' attributes JSON and returns each batch with a copy of its body, as the stager would keep it. */
function plan(profiles: string[], limits: Limits, writeBodies = true) {
  const planner = new BatchPlanner(envelope, limits, { writeBodies });
  const batches: { index: number; exportIndex: number; profiles: number; lines: number[]; bodyBytes: number; body: string | undefined }[] =
    [];
  const keep = (batch: ReturnType<BatchPlanner['finish']>) => {
    if (!batch) return;
    batches.push({ ...batch, lines: [...batch.lines], body: batch.body?.toString('utf8') });
  };
  profiles.forEach((json, i) => keep(planner.add(json, profileResourceBytes(Buffer.byteLength(json)), i + 2)));
  keep(planner.finish());
  return { batches, planner };
}

const attributes = (n: number, pad = '') => ({ email: `u${n}@example.com`, ...(pad ? { title: pad } : {}) });
const profile = (n: number, pad = '') => JSON.stringify(attributes(n, pad));

describe('BatchPlanner', () => {
  it('cuts requests at the profile limit and keeps every line in order', () => {
    const { batches, planner } = plan(
      Array.from({ length: 25 }, (_, i) => profile(i)),
      {
        maxProfilesPerRequest: 10,
        maxRequestBytes: 5_000_000,
        maxProfilesPerExport: 100,
      },
    );
    expect(batches.map((b) => b.profiles)).toEqual([10, 10, 5]);
    expect(batches[2]!.lines).toEqual([22, 23, 24, 25, 26]);
    expect(planner.batchCount).toBe(3);
    expect(planner.exportCount).toBe(1);
  });

  it('writes each body exactly: the envelope with the list, and the profiles in order', () => {
    const profiles = Array.from({ length: 12 }, (_, i) => profile(i, i % 2 ? 'Café "Ünïcode" 🎉' : ''));
    const { batches } = plan(profiles, { maxProfilesPerRequest: 5, maxRequestBytes: 5_000_000, maxProfilesPerExport: 100 });
    for (const batch of batches) {
      expect(Buffer.byteLength(batch.body!)).toBe(batch.bodyBytes);
      const parsed = JSON.parse(batch.body!);
      expect(parsed.data.relationships.lists.data).toEqual([{ type: 'list', id: 'Y6nRLr' }]);
    }
    const resources = profiles.map((_, i) =>
      JSON.stringify({ type: 'profile', attributes: attributes(i, i % 2 ? 'Café "Ünïcode" 🎉' : '') }),
    );
    expect(batches.flatMap((b) => profileResourcesOf(b.body!).map((r) => JSON.stringify(r)))).toEqual(resources);
    expect(batches[0]!.body).toBe(
      `{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[${resources.slice(0, 5).join(',')}]}},` +
        '"relationships":{"lists":{"data":[{"type":"list","id":"Y6nRLr"}]}}}}',
    );
  });

  it('cuts requests before the body would pass the byte limit, counting multi-byte characters', () => {
    const profiles = Array.from({ length: 7 }, (_, i) => profile(i, '€'.repeat(100)));
    const limit = 1_200;
    const { batches } = plan(profiles, { maxProfilesPerRequest: 10_000, maxRequestBytes: limit, maxProfilesPerExport: 100 });
    for (const batch of batches) {
      expect(Buffer.byteLength(batch.body!)).toBe(batch.bodyBytes);
      expect(batch.bodyBytes).toBeLessThanOrEqual(limit);
    }
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + b.profiles, 0)).toBe(7);
  });

  it('starts a new export every maxProfilesPerExport profiles, never mixing two in a request', () => {
    const { batches, planner } = plan(
      Array.from({ length: 23 }, (_, i) => profile(i)),
      {
        maxProfilesPerRequest: 4,
        maxRequestBytes: 5_000_000,
        maxProfilesPerExport: 10,
      },
    );
    expect(batches.map((b) => [b.exportIndex, b.profiles])).toEqual([
      [0, 4],
      [0, 4],
      [0, 2],
      [1, 4],
      [1, 4],
      [1, 2],
      [2, 3],
    ]);
    expect(planner.exportCount).toBe(3);
  });

  it('plans the same batches without writing bodies (validate)', () => {
    const profiles = Array.from({ length: 23 }, (_, i) => profile(i));
    const limits = { maxProfilesPerRequest: 4, maxRequestBytes: 5_000_000, maxProfilesPerExport: 10 };
    const counted = plan(profiles, limits, false).batches;
    const written = plan(profiles, limits, true).batches;
    expect(counted.map((b) => [b.profiles, b.bodyBytes, b.lines])).toEqual(written.map((b) => [b.profiles, b.bodyBytes, b.lines]));
    expect(counted.every((b) => b.body === undefined)).toBe(true);
  });

  it('plans nothing for no profiles', () => {
    const { batches, planner } = plan([], { maxProfilesPerRequest: 4, maxRequestBytes: 5_000_000, maxProfilesPerExport: 10 });
    expect(batches).toEqual([]);
    expect(planner.exportCount).toBe(0);
  });
});
