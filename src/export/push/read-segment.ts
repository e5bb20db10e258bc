import { segmentInputName } from '../../source/segment-parts.js';
import { ConsentCandidates, confirmationEmailsAhead } from '../consent/consent-candidates.js';
import { scanSegment, type ScanResult } from '../scan/scan-segment.js';
import { summarizeMapping } from '../summary/summarize-mapping.js';
import type { PushRun } from './push-run.js';
import { readListMembers } from './sync-steps.js';

/** What the one pass over the file leaves for the phases after it. */
export interface SegmentRead {
  readonly scan: ScanResult;
  /** The consenting rows, held until the import is done (empty without --subscribe). */
  readonly candidates: ConsentCandidates;
  /** A double opt-in list with --subscribe: at most this many confirmation emails (0 otherwise). */
  readonly confirmationEmails: number;
}

/**
 * The one pass over the file: read, map, validate, dedupe, stage the request bodies, record every
 * row left out in the ledger, and (with --subscribe) keep the consenting rows.
 */
export async function readSegment(run: PushRun): Promise<SegmentRead> {
  const { plan, list, sync, stager, ledger, emit } = run;
  if (sync?.options.mirror === 'list') await readListMembers(sync, run.client, list.id, emit);
  emit({ type: 'read', file: segmentInputName(plan.source.input), isStdin: plan.isStdin });
  const candidates = new ConsentCandidates();
  const scan = await scanSegment({
    ...(plan.subscribe ? { consent: plan.subscribe.consent, onConsenting: (candidate) => candidates.push(candidate) } : {}),
    source: plan.source,
    mapping: plan.mapping,
    limits: plan.limits,
    listId: list.id,
    signal: run.stops.soft,
    ledger,
    onNotice: (message) => emit({ type: 'notice', message }),
    onBatch: (batch) => stager.stage(batch),
    onProgress: (rows) => emit({ type: 'read-progress', rows }),
    selectProfile: sync === undefined ? undefined : (email, attributesJson, consent) => sync.select(email, attributesJson, consent),
  });
  const { rejected, duplicates } = ledger.scanOutcomes();
  emit({
    type: 'read-done',
    rows: scan.rowsRead,
    valid: scan.validProfiles,
    rejected,
    duplicates: duplicates.count,
    batches: scan.batches,
  });
  // Before the first write: which column goes where, and the types the property columns settled on.
  emit({ type: 'mapping', mapping: summarizeMapping(scan) });
  const confirmationEmails = confirmationEmailsAhead(list, candidates);
  if (confirmationEmails > 0) emit({ type: 'double-opt-in', listId: list.id, listName: list.name, confirmationEmails });
  return { scan, candidates, confirmationEmails };
}
