import { PHONE_METADATA_VERSION } from '../../mapping/phone-metadata-version.js';
import { VERSION } from '../../version.js';
import { CheckpointJournal, checkpointPath, loadCheckpoint } from '../../state/checkpoint-file.js';
import type { RunFingerprint } from '../../state/run-fingerprint.js';
import type { PushEvent } from '../events/push-events.js';
import type { ScanResult } from '../scan/scan-segment.js';
import type { RequestShape } from '../plan/push-plan.js';

/**
 * What makes two runs "the same push": the file's bytes, the list, and everything that shapes the
 * profiles and how they are cut into requests. Batch numbers mean the same thing only then.
 */
export function fingerprintOf(scan: ScanResult, listId: string, options: RequestShape): RunFingerprint {
  return {
    contentDigest: scan.contentDigest,
    listId,
    software: { klaviyoExport: VERSION, phoneMetadata: PHONE_METADATA_VERSION },
    mapping: {
      mapping: scan.mapping,
      format: scan.format,
      delimiter: options.delimiter ?? null,
      // Only when given, so that checkpoints written before --encoding existed still match.
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.hasHeader === false ? { header: false } : {}),
      ...(options.quoting === 'none' ? { quoting: 'none' } : {}),
      ...(options.jsonPath === undefined ? {} : { jsonPath: options.jsonPath }),
      // The mapping above says which columns are sent (by --map, by name, as properties); these, what type each property column's values are.
      ...(scan.propertyTypes.length === 0 ? {} : { propertyTypes: scan.propertyTypes }),
      // --subscribe's consent columns reject rows whose consent cannot be read: they shape the requests too.
      ...(scan.consent === undefined ? {} : { consent: scan.consent.mapping }),
      maxPerExport: options.maxPerExport,
      batchSize: options.batchSize,
      // --changed-only leaves profiles out: its batches are not those of a full push.
      changedOnly: options.changedOnly === true ? true : undefined,
    },
  };
}

/** Resumes from an earlier run's checkpoint when it is the same push, else starts a fresh one. */
export async function openCheckpoint(
  stateDir: string,
  fingerprint: RunFingerprint,
  isRestart: boolean,
  emit: (event: PushEvent) => void,
): Promise<CheckpointJournal> {
  const path = checkpointPath(stateDir, fingerprint.listId);
  if (isRestart) {
    emit({ type: 'checkpoint-restart', checkpoint: path });
    return CheckpointJournal.create(path, fingerprint);
  }
  const loaded = await loadCheckpoint(path, fingerprint);
  if (loaded.kind === 'resumable') {
    emit({ type: 'checkpoint-resume', checkpoint: path, confirmed: loaded.confirmed, submitted: loaded.submitted });
    return loaded.journal;
  }
  if (loaded.kind === 'mismatch') emit({ type: 'checkpoint-mismatch', checkpoint: path, reason: loaded.reason });
  return CheckpointJournal.create(path, fingerprint);
}
