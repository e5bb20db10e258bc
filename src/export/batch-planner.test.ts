import { describe, expect, it } from 'vitest';
import { buildProfileImportBody, createProfileImportEnvelope } from '../klaviyo/profile-import-payload.js';
import { BatchPlanner, type PlannedBatch } from './batch-planner.js';

const envelope = createProfileImportEnvelope('Y6nRLr');

function plan(resources: string[], limits: { maxProfilesPerRequest: number; maxRequestBytes: number; maxProfilesPerExport: number }) {
  const planner = new BatchPlanner(envelope, limits);
  const batches: PlannedBatch[] = [];
  resources.forEach((resource, i) => {
    const done = planner.add(resource, Buffer.byteLength(resource), i + 2);
    if (done) batches.push(done);
  });
  const last = planner.finish();
  if (last) batches.push(last);
  return { batches, planner };
}

const resource = (n: number, pad = 0) => `{"type":"profile","attributes":{"email":"u${n}@example.com"${pad ? `,"title":"${'x'.repeat(pad)}"` : ''}}}`;

describe('BatchPlanner', () => {
  it('cuts requests at the profile limit and keeps every line in order', () => {
    const { batches, planner } = plan(Array.from({ length: 25 }, (_, i) => resource(i)), {
      maxProfilesPerRequest: 10,
      maxRequestBytes: 5_000_000,
      maxProfilesPerExport: 100,
    });
    expect(batches.map((b) => b.resources.length)).toEqual([10, 10, 5]);
    expect([...batches[2]!.lines]).toEqual([22, 23, 24, 25, 26]);
    expect(planner.batchCount).toBe(3);
    expect(planner.exportCount).toBe(1);
  });

  it('cuts requests before the body would pass the byte limit, counting the envelope exactly', () => {
    const resources = Array.from({ length: 7 }, (_, i) => resource(i, 300));
    const limit = 1_200;
    const { batches } = plan(resources, { maxProfilesPerRequest: 10_000, maxRequestBytes: limit, maxProfilesPerExport: 100 });
    for (const batch of batches) {
      const body = buildProfileImportBody(envelope, batch.resources);
      expect(Buffer.byteLength(body)).toBe(batch.bodyBytes);
      expect(batch.bodyBytes).toBeLessThanOrEqual(limit);
    }
    expect(batches.flatMap((b) => b.resources)).toEqual(resources);
    expect(batches.length).toBeGreaterThan(1);
  });

  it('starts a new export every maxProfilesPerExport profiles, never mixing two in a request', () => {
    const { batches, planner } = plan(Array.from({ length: 23 }, (_, i) => resource(i)), {
      maxProfilesPerRequest: 4,
      maxRequestBytes: 5_000_000,
      maxProfilesPerExport: 10,
    });
    expect(batches.map((b) => [b.exportIndex, b.resources.length])).toEqual([
      [0, 4], [0, 4], [0, 2], [1, 4], [1, 4], [1, 2], [2, 3],
    ]);
    expect(planner.exportCount).toBe(3);
  });

  it('plans nothing for no profiles', () => {
    const { batches, planner } = plan([], { maxProfilesPerRequest: 4, maxRequestBytes: 5_000_000, maxProfilesPerExport: 10 });
    expect(batches).toEqual([]);
    expect(planner.exportCount).toBe(0);
  });
});
