import { describe, expect, it } from 'vitest';
import { resolveMapping, type MappingRequest } from '../../mapping/mapping-spec.js';
import type { SettledPropertyType } from '../../mapping/provisional-values.js';
import { fingerprintHash } from '../../state/run-fingerprint.js';
import type { ScanResult } from '../scan/scan-segment.js';
import { fingerprintOf } from './open-checkpoint.js';

const OPTIONS = {
  delimiter: undefined,
  encoding: undefined,
  hasHeader: undefined,
  maxPerExport: 100_000,
  batchSize: 10_000,
  changedOnly: false,
};
const COLUMNS = ['Email', 'First Name', 'Orders'];

function hashOf(request: Partial<MappingRequest>, propertyTypes: SettledPropertyType[] = [], jsonPath?: string): string {
  const mapping = resolveMapping(COLUMNS, { maps: [], mapsKnownColumns: true, sendsOtherColumns: true, ...request }, 'f.csv');
  const scan = { contentDigest: 'abc', mapping, propertyTypes, format: 'csv' } as unknown as ScanResult;
  return fingerprintHash(fingerprintOf(scan, 'Y6nRLr', { ...OPTIONS, jsonPath }));
}

describe('fingerprintOf and the mapping', () => {
  it('tells runs apart by how columns are mapped and typed, so a resumed run never mixes two mappings', () => {
    const number: SettledPropertyType[] = [{ name: 'Orders', type: 'number' }];
    const hashes = [
      hashOf({}, number),
      hashOf({ sendsOtherColumns: false }),
      hashOf({ mapsKnownColumns: false }, number),
      hashOf({ maps: ['properties.orders=Orders'] }, [{ name: 'orders', type: 'number' }]),
      hashOf({}, [{ name: 'Orders', type: 'text' }]),
      hashOf({}, number, 'data'),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashOf({}, number)).toBe(hashes[0]);
  });
});
