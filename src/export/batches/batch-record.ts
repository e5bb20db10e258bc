import type { ConfirmedBatchRecord } from '../../state/delivery-journal.js';

/**
 * One batch's record from the records of its parts (a batch split after a 400 that named nobody is
 * sent as several requests, each its own job) and the profiles refused at upload. Positions are
 * positions in the staged batch. The first job stands for the batch when a run resumes.
 */
export function mergeBatchRecords(
  parts: readonly ConfirmedBatchRecord[],
  refusedAtUpload: ConfirmedBatchRecord['refusals'],
): ConfirmedBatchRecord | undefined {
  const [first] = parts;
  if (first === undefined) return undefined;
  const sum = (count: (record: ConfirmedBatchRecord) => number) => parts.reduce((total, record) => total + count(record), 0);
  const unattributed = sum((record) => record.unattributed ?? 0);
  return {
    jobId: first.jobId,
    imported: sum((record) => record.imported),
    refusals: [...refusedAtUpload, ...parts.flatMap((record) => record.refusals)].sort((a, b) => a.position - b.position),
    unexplained: sum((record) => record.unexplained),
    ...(unattributed > 0 ? { unattributed } : {}),
  };
}
