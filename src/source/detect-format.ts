import { extname } from 'node:path';
import type { SegmentFormat } from './source-record.js';

const formatByExtension: Readonly<Record<string, SegmentFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.jsonlines': 'ndjson',
  '.parquet': 'parquet',
};

export const knownExtensions: readonly string[] = Object.keys(formatByExtension);

/** The format a segment file's extension names (case-insensitive), or undefined when it names none. */
export function detectFormat(path: string): SegmentFormat | undefined {
  return formatByExtension[extname(path).toLowerCase()];
}
