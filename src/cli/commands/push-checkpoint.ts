import { PHONE_METADATA_VERSION } from '../../mapping/phone-metadata-version.js';
import { VERSION } from '../../version.js';
import type { ScanResult } from '../../export/scan-segment.js';
import { CheckpointJournal, checkpointPath, loadCheckpoint } from '../../state/checkpoint-file.js';
import type { RunFingerprint } from '../../state/run-fingerprint.js';
import type { RunLog } from '../run-log.js';
import type { PushCommandOptions } from './push-command.js';

/**
 * What makes two runs "the same push": the file's bytes, the list, and everything that shapes the
 * profiles and how they are cut into requests. Batch numbers mean the same thing only then.
 */
export function fingerprintOf(scan: ScanResult, listId: string, options: PushCommandOptions): RunFingerprint {
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
      ...(options.header === false ? { header: false } : {}),
      maxPerExport: options.maxPerExport,
      batchSize: options.batchSize,
    },
  };
}

/** Resumes from an earlier run's checkpoint when it is the same push, else starts a fresh one. */
export async function openCheckpoint(
  stateDir: string,
  fingerprint: RunFingerprint,
  options: Pick<PushCommandOptions, 'restart'>,
  log: RunLog,
): Promise<CheckpointJournal> {
  const path = checkpointPath(stateDir, fingerprint.listId);
  if (options.restart) {
    log.event('checkpoint-restart', 'Starting from the beginning (--restart): any earlier checkpoint is ignored.', { checkpoint: path });
    return CheckpointJournal.create(path, fingerprint);
  }
  const loaded = await loadCheckpoint(path, fingerprint);
  if (loaded.kind === 'resumable') {
    log.event(
      'checkpoint-resume',
      `Resuming the earlier, unfinished push of this file to this list: ${loaded.confirmed} requests already confirmed, ${loaded.submitted} jobs to follow up (${path}).`,
      { checkpoint: path, confirmed: loaded.confirmed, submitted: loaded.submitted },
      'warn',
    );
    return loaded.journal;
  }
  if (loaded.kind === 'mismatch') {
    log.event(
      'checkpoint-mismatch',
      `Not resuming the earlier push: ${loaded.reason}; sending everything.`,
      { checkpoint: path, reason: loaded.reason },
      'warn',
    );
  }
  return CheckpointJournal.create(path, fingerprint);
}
