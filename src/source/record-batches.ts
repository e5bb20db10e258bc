import type { SourceRecord } from './source-record.js';

/** The records of batches, one by one: a segment's `records` over its `recordBatches`. */
export async function* flattenBatches(batches: AsyncIterable<readonly SourceRecord[]>): AsyncGenerator<SourceRecord, void, undefined> {
  for await (const batch of batches) for (const record of batch) yield record;
}
