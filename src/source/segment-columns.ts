import { openSegment } from './open-segment.js';
import type { ReadSegmentOptions } from './source-record.js';

/**
 * Opens a segment just far enough to know its columns (the CSV header, the first object's keys),
 * then closes it. A file that cannot be read (missing, empty, not its format, wrong encoding at the
 * start) fails here with the reader's own InputFileError: a push calls it before any request.
 */
export async function readSegmentColumns(options: ReadSegmentOptions): Promise<readonly string[]> {
  const segment = await openSegment(options);
  // Leaving the loop releases the file.
  for await (const _record of segment.records) break;
  return segment.columns;
}
