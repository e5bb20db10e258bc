import type { RejectKind } from '../../report/rejects-written.js';

/** The kind of a rejects file's `reason` (the codes the pipeline writes; any other is a reading rejection). */
export function rejectKindOf(reason: string): RejectKind {
  if (reason === 'duplicate') return 'duplicate';
  if (reason === 'not_delivered') return 'not-delivered';
  if (reason === 'unconfirmed') return 'unconfirmed';
  if (reason === 'missing') return 'missing';
  if (reason.startsWith('klaviyo_')) return 'refused';
  if (reason === 'subscribe_refused') return 'subscribe-refused';
  if (reason.startsWith('subscribe_')) return 'not-subscribed';
  return 'rejected';
}
