import type { ProfileMapping, MappingRequest } from '../../mapping/mapping-spec.js';
import { describeEmailColumnChoice } from '../../mapping/mapping-spec.js';
import type { SettledPropertyType } from '../../mapping/provisional-values.js';
import { createRecordMapper } from '../../mapping/map-record.js';
import { createProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import { openSegment } from '../../source/open-segment.js';
import type { ReadSegmentOptions, SegmentFormat, SourceRecord } from '../../source/source-record.js';
import { emptyLineList, addLine, type LineList, type ReasonCount } from '../../report/run-summary.js';
import type { RowLedger } from '../rejects/row-ledger.js';
import type { LocateLine } from '../../report/localize-lines.js';
import type { LocalRejectionCode } from '../rejects/row-outcome.js';
import type { BatchLimits } from '../batches/batch-limits.js';
import { BatchPlanner, type PlannedBatch } from '../batches/batch-planner.js';
import { EmailDeduplicator } from './dedupe.js';
import { profileResourceBytes, profileTooLargeDetail } from '../batches/profile-size.js';
import { ReasonTally } from '../rejects/reason-tally.js';
import { createConsentReader, resolveConsentMapping, type ConsentMapping, type ConsentRequest } from '../../mapping/consent-mapping.js';
import { checkConsentColumnsAppeared, checkMappedColumnsAppeared, consentColumnsToMap, resolveScanMapping } from './scan-mapping.js';
import { consentText, type SubscribeCandidate } from './subscribe-candidate.js';

export interface RejectedRow {
  readonly line: number;
  /** JSON only: the 0-based element of the array. */
  readonly index?: number;
  readonly reason: string;
  readonly detail: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A row that would be sent: valid, and the first of its email. */
export interface ScannedProfile {
  readonly line: number;
  readonly index?: number;
  /** Lower-cased email, as dedupe compares it. */
  readonly dedupeKey: string;
  /** The profile attributes as they would be sent. */
  readonly attributesJson: string;
  /** The row's original values. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface ScanOptions {
  readonly source: ReadSegmentOptions;
  readonly mapping: MappingRequest;
  readonly limits: BatchLimits;
  /** The list the batches are for: its id is part of each request body, so of its size. */
  readonly listId: string;
  readonly signal?: AbortSignal;
  /** Where each row the scan leaves out (rejected, duplicate) is recorded, with its reason. */
  readonly ledger: RowLedger;
  /** Called for each full batch, in order; awaited, so staging applies backpressure to reading. */
  readonly onBatch?: (batch: PlannedBatch) => Promise<void> | void;
  readonly onProgress?: (rowsRead: number) => void;
  /** `--subscribe` and its consent columns; absent: consent is not read and nobody is subscribed. */
  readonly consent?: ConsentRequest;
  /** Each valid, first-occurrence row that consented to a channel asked for, in file order. */
  readonly onConsenting?: (candidate: SubscribeCandidate) => void;
  /** The run's start (epoch ms): a consent time after it is refused. Default: now. */
  readonly now?: number;
  /**
   * Called for each valid, unique profile with its normalised email and attributes JSON: false
   * leaves it out of the requests (`--changed-only`: unchanged since the last confirmed run).
   */
  readonly selectProfile?: (emailKey: string, attributesJson: string, consent: string | undefined) => boolean;
  /** Called for each row that would be sent, in file order (verify reads the list back for them). */
  readonly onProfile?: (profile: ScannedProfile) => void;
  /** A choice the user should know about (an email column found by its values), one sentence. */
  readonly onNotice?: (message: string) => void;
  /** Called once the file's columns are known and the mapping resolved, before any row is mapped. */
  readonly onMappingResolved?: (
    mapping: ProfileMapping,
    columns: readonly string[],
    format: SegmentFormat,
    /** A segment of several files: where each of its lines is (for a rows file's `file` column). */
    locate?: LocateLine,
  ) => void;
}

export interface ScanResult {
  readonly displayName: string;
  /** Every file read, in order (one for a single file). */
  readonly files: readonly string[];
  /** A segment of several files: the file and own line of a segment line (lines run on from part to part). */
  readonly locate?: LocateLine;
  readonly format: string;
  /** CSV and the like: the header. JSON/NDJSON: every key seen, in the order first seen. */
  readonly columns: readonly string[];
  readonly mapping: ProfileMapping;
  /**
   * The type each CSV property column settled on. The profiles' attributes (in the staged bodies
   * and ScannedProfile) hold provisional values until settled to these (settleProvisionalValues).
   */
  readonly propertyTypes: readonly SettledPropertyType[];
  readonly rowsRead: number;
  readonly validProfiles: number;
  /** Valid profiles left out by `selectProfile` (not in any request). */
  readonly skippedProfiles: number;
  /** Rows rejected or left out as duplicates (their reasons are in the ledger). */
  readonly rowsLeftOut: number;
  readonly warnings: ReasonCount[];
  readonly exports: number;
  readonly batches: number;
  readonly contentDigest: string;
  readonly readMs: number;
  /** Present with `consent`: what the valid rows said. */
  readonly consent?: ConsentScan;
}

export interface ConsentScan {
  readonly mapping: ConsentMapping;
  /** Valid rows that consented to at least one channel asked for. */
  readonly consenting: number;
  /** Valid rows that consented to none: added to the list, consent untouched. */
  readonly notConsenting: LineList;
  /** Rows that consented to SMS without a valid phone number: not subscribed to SMS. */
  readonly smsWithoutPhone: LineList;
}

const REASON_DESCRIPTIONS: Record<Exclude<LocalRejectionCode, 'duplicate'>, string> = {
  blank_email: 'The email is blank.',
  invalid_email: 'The email is not a valid address.',
  profile_too_large: "The profile is larger than Klaviyo's 100 KB per-profile limit.",
  invalid_consent: 'The consent column holds neither yes nor no.',
  invalid_consented_at: 'The consent time is not a past date.',
};

const DUPLICATE_DESCRIPTION = 'Same email as an earlier row, which is the one sent.';

const PROGRESS_EVERY_ROWS = 50_000;

/**
 * The single pass over a segment file: read, map, validate, dedupe and cut into batches. Throws
 * InputFileError or UsageError when the file cannot be used as a whole; a bad row is an outcome.
 */
export async function scanSegment(options: ScanOptions): Promise<ScanResult> {
  const startedAt = performance.now();
  const { ledger } = options;
  const segment = await openSegment({ ...options.source, signal: options.signal });
  const mapping = await resolveScanMapping(segment, options.mapping, { consent: options.consent, hasHeader: options.source.hasHeader });
  const notice = describeEmailColumnChoice(mapping.emailColumn, options.mapping.emailField);
  if (notice !== undefined) options.onNotice?.(notice);
  const locate = segment.isMultiPart ? segment.locate : undefined;
  ledger.setSource(mapping, segment.columns, segment.format, locate);
  options.onMappingResolved?.(mapping, segment.columns, segment.format, locate);
  const mapRecord = createRecordMapper(mapping);
  const consentMapping =
    options.consent &&
    resolveConsentMapping(
      consentColumnsToMap(segment.columns, options.consent, segment.format),
      options.consent,
      mapping,
      segment.displayName,
    );
  const readConsent = consentMapping && createConsentReader(consentMapping, mapping, options.now ?? Date.now());
  let consenting = 0;
  const notConsenting = emptyLineList();
  const smsWithoutPhone = emptyLineList();
  const dedupe = new EmailDeduplicator();
  const planner = new BatchPlanner(createProfileImportEnvelope(options.listId), options.limits, {
    writeBodies: options.onBatch !== undefined,
  });
  const warnings = new ReasonTally();
  let rowsLeftOut = 0;
  const reject = (record: SourceRecord, code: keyof typeof REASON_DESCRIPTIONS, detail: string) => {
    rowsLeftOut += 1;
    ledger.record(rowOf(record), { kind: 'rejected', code, description: REASON_DESCRIPTIONS[code], detail, fields: record.fields });
  };

  let rowsRead = 0;
  let validProfiles = 0;
  let skippedProfiles = 0;
  for await (const batch of segment.recordBatches) {
    for (const record of batch) {
      rowsRead += 1;
      if (rowsRead % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(rowsRead);
      const outcome = mapRecord(record);
      if (outcome.kind === 'rejected') {
        reject(record, outcome.reason, outcome.detail);
        continue;
      }
      const resourceBytes = profileResourceBytes(outcome.attributesBytes);
      const tooLargeDetail = profileTooLargeDetail(resourceBytes);
      if (tooLargeDetail !== undefined) {
        reject(record, 'profile_too_large', tooLargeDetail);
        continue;
      }
      const consent = readConsent?.(record);
      if (consent?.kind === 'rejected') {
        reject(record, consent.reason, consent.detail);
        continue;
      }
      for (const warning of outcome.warnings) warnings.add(warning.field, warning.message, warning.line, record.index);
      // A JSON file may hold every object on one line: there, the element says where the first one is
      // (in several files, the line does, with its file: elements start again in each part).
      const isByLine = record.index === undefined || locate !== undefined;
      const first = dedupe.firstLineOf(outcome.dedupeKey, isByLine ? record.line : record.index + 1);
      if (first !== undefined) {
        rowsLeftOut += 1;
        ledger.record(rowOf(record), {
          kind: 'rejected',
          code: 'duplicate',
          description: DUPLICATE_DESCRIPTION,
          detail: `Same email as ${isByLine ? lineLabel(first, locate) : `element ${first - 1}`}, which is the one sent.`,
          fields: record.fields,
        });
        continue;
      }
      validProfiles += 1;
      // With --subscribe, what the row consented to is part of what --changed-only compares.
      const consented =
        consent === undefined
          ? undefined
          : consentText({ channels: consent, consentedAtMs: consent.consentedAtMs, phoneNumber: consent.phoneNumber });
      const isSelected = options.selectProfile?.(outcome.dedupeKey, outcome.attributesJson, consented) !== false;
      if (!isSelected) skippedProfiles += 1;
      // An unchanged row still consents: the consent journal, not the sync state, knows whether it was subscribed.
      if (consent !== undefined) {
        if (consent.isSmsWithoutPhone) addLine(smsWithoutPhone, record.line, record.index);
        if (consent.email || consent.sms) {
          consenting += 1;
          options.onConsenting?.({
            line: record.line,
            ...(record.index === undefined ? {} : { element: record.index }),
            email: outcome.email,
            channels: { email: consent.email, sms: consent.sms },
            ...(consent.phoneNumber === undefined ? {} : { phoneNumber: consent.phoneNumber }),
            ...(consent.consentedAtMs === undefined ? {} : { consentedAtMs: consent.consentedAtMs }),
          });
        } else {
          addLine(notConsenting, record.line, record.index);
        }
      }
      if (!isSelected) continue;
      options.onProfile?.({
        line: record.line,
        index: record.index,
        dedupeKey: outcome.dedupeKey,
        attributesJson: outcome.attributesJson,
        fields: record.fields,
      });
      const completed = planner.add(outcome.attributesJson, resourceBytes, record.line, record.index);
      if (completed) await options.onBatch?.(completed);
    }
  }
  if (segment.format !== 'csv' && rowsRead > 0) {
    checkMappedColumnsAppeared(mapping, segment.columns, segment.displayName);
    if (consentMapping) checkConsentColumnsAppeared(consentMapping, segment.columns, segment.displayName);
  }
  const propertyTypes = mapRecord.settledPropertyTypes();
  const last = planner.finish();
  if (last) await options.onBatch?.(last);
  options.onProgress?.(rowsRead);

  return {
    displayName: segment.displayName,
    files: segment.files,
    ...(locate === undefined ? {} : { locate }),
    format: segment.format,
    columns: segment.columns,
    mapping,
    propertyTypes,
    rowsRead,
    validProfiles,
    skippedProfiles,
    rowsLeftOut,
    warnings: warnings.toList(),
    exports: planner.exportCount,
    batches: planner.batchCount,
    contentDigest: segment.contentDigest(),
    readMs: performance.now() - startedAt,
    ...(consentMapping === undefined ? {} : { consent: { mapping: consentMapping, consenting, notConsenting, smsWithoutPhone } }),
  };
}

/** `line 7`, or in a segment of several files `line 7 of 0001_part_00.gz`. */
function lineLabel(line: number, locate: LocateLine | undefined): string {
  if (locate === undefined) return `line ${line}`;
  const position = locate(line);
  return `line ${position.line} of ${position.file}`;
}

function rowOf(record: SourceRecord): { line: number; element?: number } {
  return record.index === undefined ? { line: record.line } : { line: record.line, element: record.index };
}
