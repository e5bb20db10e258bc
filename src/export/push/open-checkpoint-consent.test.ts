import { describe, expect, it } from 'vitest';
import { fingerprintHash } from '../../state/run-fingerprint.js';
import { fingerprintOf } from './open-checkpoint.js';
import type { ScanResult } from '../scan/scan-segment.js';

const OPTIONS = {
  delimiter: undefined,
  encoding: undefined,
  hasHeader: undefined,
  maxPerExport: 100_000,
  batchSize: 10_000,
  changedOnly: false,
};
const SCAN = {
  contentDigest: 'abc',
  mapping: { emailColumn: 'email', fields: [] },
  propertyTypes: [],
  format: 'csv',
} as unknown as ScanResult;
const consentScan = (emailColumn: string) =>
  ({
    ...SCAN,
    consent: { mapping: { emailColumn }, consenting: 0, notConsenting: { count: 0, lines: [] }, smsWithoutPhone: { count: 0, lines: [] } },
  }) as ScanResult;

describe('fingerprintOf with --subscribe', () => {
  it('tells runs apart by their consent columns, which decide which rows are rejected', () => {
    const plain = fingerprintHash(fingerprintOf(SCAN, 'Y6nRLr', OPTIONS));
    const withConsent = fingerprintHash(fingerprintOf(consentScan('opt_in'), 'Y6nRLr', OPTIONS));
    const otherColumn = fingerprintHash(fingerprintOf(consentScan('Accepts Email Marketing'), 'Y6nRLr', OPTIONS));
    expect(new Set([plain, withConsent, otherColumn]).size).toBe(3);
    expect(fingerprintHash(fingerprintOf(consentScan('opt_in'), 'Y6nRLr', OPTIONS))).toBe(withConsent);
  });
});
