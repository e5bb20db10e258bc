import { createHash } from 'node:crypto';

/** What a push delivers: a checkpoint is only reused by a run with the same fingerprint. */
export interface RunFingerprint {
  /** sha256 (hex) of the segment file's bytes, computed while reading it. */
  readonly contentDigest: string;
  readonly listId: string;
  /**
   * The code that read the file: another klaviyo-export or phone metadata may map the same file to
   * other profiles or batches, so an upgrade between a crash and the rerun must not skip rows.
   */
  readonly software: SoftwareVersions;
  /** The resolved mapping and every option that changes profiles or batches (plain JSON data). */
  readonly mapping: unknown;
}

export interface SoftwareVersions {
  readonly klaviyoExport: string;
  readonly phoneMetadata: string;
}

/** sha256 of the fingerprint as canonical JSON: object keys are sorted, so key order never matters. */
export function fingerprintHash(fingerprint: RunFingerprint): string {
  return createHash('sha256').update(canonicalJson(fingerprint)).digest('hex');
}

/** Like JSON.stringify, with object keys sorted at every depth and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
