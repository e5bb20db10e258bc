import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { resolvePushPlan } from './push-plan.js';
import type { PushRequest } from './push-request.js';
import { resolveSegmentPlan } from './segment-plan.js';

const REQUEST: PushRequest = { file: 'segment.csv', listId: 'Y6nRLr', connection: { apiKey: 'pk_test' }, stateDir: '.state' };

describe('resolvePushPlan', () => {
  it("fills in Klaviyo's limits and the defaults once, for every phase to read", () => {
    const plan = resolvePushPlan(REQUEST);
    expect(plan).toMatchObject({
      source: { input: 'segment.csv' },
      mapping: { maps: [] },
      limits: { maxProfilesPerExport: 100_000, maxProfilesPerRequest: 10_000, maxRequestBytes: 5_000_000 },
      isStdin: false,
      isStrict: false,
      wait: true,
      restart: false,
      subscribe: undefined,
      sync: undefined,
      shape: { maxPerExport: 100_000, batchSize: 10_000, changedOnly: false },
    });
  });

  it('carries the options that shape the requests into the checkpoint fingerprint', () => {
    const plan = resolvePushPlan({
      ...REQUEST,
      delimiter: ';',
      encoding: 'windows-1252',
      hasHeader: false,
      batchSize: 500,
      changedOnly: true,
    });
    expect(plan.shape).toEqual({
      delimiter: ';',
      encoding: 'windows-1252',
      hasHeader: false,
      maxPerExport: 100_000,
      batchSize: 500,
      changedOnly: true,
    });
    expect(plan.limits.maxProfilesPerRequest).toBe(500);
    expect(plan.sync).toEqual({ mirror: undefined, changedOnly: true, maxRemovals: { kind: 'percent', percent: 10 } });
  });

  it('reads the consent columns of --subscribe, and refuses --subscribe without one before anything runs', () => {
    const plan = resolvePushPlan({ ...REQUEST, subscribe: { channels: ['email'], emailConsentColumn: 'opt_in' } });
    expect(plan.subscribe?.consent).toEqual({ subscribe: ['email'], emailConsentColumn: 'opt_in' });
    expect(() => resolvePushPlan({ ...REQUEST, subscribe: { channels: ['email'] } })).toThrow(UsageError);
  });

  it.each([
    [{ maxPerExport: 0 }, /maxPerExport must be a whole number from 1 to 100,000/],
    [{ maxPerExport: 100_001 }, /maxPerExport/],
    [{ batchSize: 2.5 }, /batchSize must be a whole number from 1 to 10,000/],
  ])('refuses %o, naming the value', (values, message) => {
    expect(() => resolvePushPlan({ ...REQUEST, ...values })).toThrow(message);
    expect(() => resolveSegmentPlan({ file: 'segment.csv', ...values })).toThrow(message);
  });

  it('knows standard input, whose rows cannot be read again', () => {
    expect(resolveSegmentPlan({ file: '-' }).isStdin).toBe(true);
  });
});
