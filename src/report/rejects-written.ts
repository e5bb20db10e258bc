import { formatCount, plural } from './text-format.js';

/**
 * The rows of a rejects file, grouped as the run's summary counts them: one file holds rows
 * rejected while reading, later duplicates, and rows that delivery or the consent step did not
 * deliver, so its row count alone is not the summary's "rejected".
 */
export type RejectKind =
  'rejected' | 'duplicate' | 'refused' | 'not-delivered' | 'unconfirmed' | 'subscribe-refused' | 'not-subscribed' | 'missing';

export type RejectKindCounts = Readonly<Partial<Record<RejectKind, number>>>;

/** In the summary's order and words. */
const KIND_LABELS: readonly (readonly [RejectKind, string])[] = [
  ['rejected', 'rejected'],
  ['duplicate', 'duplicate'],
  ['refused', 'refused by Klaviyo'],
  ['not-delivered', 'not delivered'],
  ['unconfirmed', 'not yet confirmed'],
  ['subscribe-refused', 'refused a subscription by Klaviyo'],
  ['not-subscribed', 'not subscribed'],
  ['missing', 'missing from the list'],
];

/** "1,902 rows written to rejects.csv: 2 rejected, 1,900 not yet confirmed." */
export function describeRejectsWritten(event: { path: string; rows: number; byKind?: RejectKindCounts }): string {
  const parts = KIND_LABELS.filter(([kind]) => (event.byKind?.[kind] ?? 0) > 0).map(([kind, label]) => {
    const count = event.byKind?.[kind] ?? 0;
    return kind === 'duplicate' ? plural(count, 'duplicate') : `${formatCount(count)} ${label}`;
  });
  return `${plural(event.rows, 'row')} written to ${event.path}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}.`;
}
