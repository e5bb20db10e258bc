import { readSegmentColumns } from '../../source/segment-columns.js';
import { prepareOutputPath } from '../rejects/output-path.js';
import type { SegmentPlan } from '../plan/segment-plan.js';

/**
 * Before anything touches the network: the segment can be opened and its header read (a typo in
 * its name then shows as the file, not as a DNS error met first), and the rejects path can be
 * written, its folder created.
 */
export async function checkLocalFiles(plan: Pick<SegmentPlan, 'source' | 'rejectsPath' | 'isStdin' | 'signal'>): Promise<void> {
  if (plan.rejectsPath !== undefined) prepareOutputPath(plan.rejectsPath, 'rejects file', plan.source.input);
  // Standard input cannot be read twice: the scan reads it, still before the first write.
  if (!plan.isStdin) await readSegmentColumns({ ...plan.source, signal: plan.signal });
}
