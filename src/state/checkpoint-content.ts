import { z } from 'zod';
import type { ConfirmedBatchRecord } from './delivery-journal.js';
import { scrub } from '../privacy/scrub.js';
import { fingerprintHash, type RunFingerprint, type SoftwareVersions } from './run-fingerprint.js';

/** Bump when the file's shape changes: a checkpoint of another version is not resumed. */
export const CHECKPOINT_VERSION = 1;

/** What a run has delivered so far, in memory. Batch indexes are the staged batches' `index`. */
export interface CheckpointState {
  readonly createdAt: string;
  readonly confirmed: Map<number, ConfirmedBatchRecord>;
  readonly submitted: Map<number, string>;
}

const batchIndexKey = z.string().regex(/^\d+$/, 'a batch index must be a whole number');

const confirmedRecordSchema = z.object({
  jobId: z.string(),
  imported: z.number().int().nonnegative(),
  refusals: z.array(
    z.object({ position: z.number().int().nonnegative(), reason: z.string(), description: z.string(), detail: z.string() }),
  ),
  unexplained: z.number().int().nonnegative(),
  unattributed: z.number().int().nonnegative().optional(),
});

type StoredConfirmedRecord = z.infer<typeof confirmedRecordSchema>;

const checkpointFileSchema = z.object({
  version: z.number(),
  fingerprint: z.string(),
  contentDigest: z.string(),
  listId: z.string(),
  // Absent in checkpoints written before it was recorded: those are not resumed.
  software: z.object({ klaviyoExport: z.string(), phoneMetadata: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  confirmed: z.record(batchIndexKey, confirmedRecordSchema),
  submitted: z.record(batchIndexKey, z.string()),
});

export type CheckpointParse = { kind: 'resumable'; state: CheckpointState } | { kind: 'mismatch'; reason: string };

/** The checkpoint file's text. Holds no API key, and details Klaviyo wrote are scrubbed of email addresses. */
export function serializeCheckpoint(fingerprint: RunFingerprint, state: CheckpointState, updatedAt: string): string {
  const confirmed: Record<string, StoredConfirmedRecord> = {};
  for (const [index, record] of [...state.confirmed].sort(([a], [b]) => a - b)) confirmed[String(index)] = scrubRecord(record);
  const submitted: Record<string, string> = {};
  for (const [index, jobId] of [...state.submitted].sort(([a], [b]) => a - b)) submitted[String(index)] = jobId;
  const content: z.infer<typeof checkpointFileSchema> = {
    version: CHECKPOINT_VERSION,
    fingerprint: fingerprintHash(fingerprint),
    contentDigest: fingerprint.contentDigest,
    listId: fingerprint.listId,
    software: fingerprint.software,
    createdAt: state.createdAt,
    updatedAt,
    confirmed,
    submitted,
  };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** Reads a checkpoint's text and decides whether this run may resume from it; never throws. */
export function parseCheckpoint(text: string, fingerprint: RunFingerprint): CheckpointParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unreadable('it is not valid JSON');
  }
  const parsed = checkpointFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return unreadable(`${where}${issue?.message ?? 'unexpected content'}`);
  }
  const content = parsed.data;
  if (content.version !== CHECKPOINT_VERSION) {
    return unreadable(`it has version ${content.version}, this klaviyo-export writes version ${CHECKPOINT_VERSION}`);
  }
  if (content.listId !== fingerprint.listId) return { kind: 'mismatch', reason: 'the list differs' };
  const softwareChange = describeSoftwareChange(content.software, fingerprint.software);
  if (softwareChange !== undefined) return { kind: 'mismatch', reason: softwareChange };
  if (content.contentDigest !== fingerprint.contentDigest)
    return { kind: 'mismatch', reason: 'the file changed since the interrupted run' };
  if (content.fingerprint !== fingerprintHash(fingerprint)) return { kind: 'mismatch', reason: 'the mapping or options differ' };

  const confirmed = new Map(Object.entries(content.confirmed).map(([index, record]) => [Number(index), record] as const));
  // A batch is confirmed or submitted, never both: the confirmation is the later, final word.
  const submitted = new Map(
    Object.entries(content.submitted)
      .map(([index, jobId]) => [Number(index), jobId] as const)
      .filter(([index]) => !confirmed.has(index)),
  );
  return { kind: 'resumable', state: { createdAt: content.createdAt, confirmed, submitted } };
}

function describeSoftwareChange(before: SoftwareVersions | undefined, now: SoftwareVersions): string | undefined {
  if (before === undefined) return 'it was written by an earlier klaviyo-export that did not record its version';
  if (before.klaviyoExport !== now.klaviyoExport) {
    return `klaviyo-export changed from ${before.klaviyoExport} to ${now.klaviyoExport} since the interrupted run`;
  }
  if (before.phoneMetadata !== now.phoneMetadata) {
    return `the phone number rules (libphonenumber-js) changed from ${before.phoneMetadata} to ${now.phoneMetadata} since the interrupted run`;
  }
  return undefined;
}

function unreadable(why: string): CheckpointParse {
  return { kind: 'mismatch', reason: `the checkpoint is unreadable (${why})` };
}

function scrubRecord(record: ConfirmedBatchRecord): StoredConfirmedRecord {
  return {
    jobId: record.jobId,
    imported: record.imported,
    refusals: record.refusals.map((refusal) => ({
      position: refusal.position,
      reason: scrub(refusal.reason),
      description: scrub(refusal.description),
      detail: scrub(refusal.detail),
    })),
    unexplained: record.unexplained,
    ...(record.unattributed ? { unattributed: record.unattributed } : {}),
  };
}
