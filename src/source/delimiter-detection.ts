import type { CsvDelimiter } from './source-record.js';

const candidates: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const candidateCodes: readonly number[] = candidates.map((candidate) => candidate.charCodeAt(0));
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The delimiter that splits the header line into the most fields, counting only occurrences
 * outside quotes. Ties, and a header with none of the candidates, give ','.
 */
export function detectDelimiter(headerLine: Uint8Array): CsvDelimiter {
  const counts = candidates.map(() => 0);
  let isQuoted = false;
  for (const byte of headerLine) {
    if (byte === QUOTE) isQuoted = !isQuoted;
    else if (!isQuoted) {
      const found = candidateCodes.indexOf(byte);
      if (found !== -1) counts[found] = (counts[found] ?? 0) + 1;
    }
  }
  let best = 0;
  counts.forEach((count, index) => {
    if (count > (counts[best] ?? 0)) best = index;
  });
  return candidates[best] ?? ',';
}

/**
 * The first non-blank line of `bytes` without its line break (a quoted line break does not end
 * it), or undefined when `bytes` ends before that line does.
 */
export function findHeaderLine(bytes: Uint8Array): Uint8Array | undefined {
  let start = 0;
  while (start < bytes.length && (bytes[start] === LF || bytes[start] === CR)) start++;
  let isQuoted = false;
  for (let index = start; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) isQuoted = !isQuoted;
    else if (!isQuoted && (byte === LF || byte === CR)) return bytes.subarray(start, index);
  }
  return undefined;
}
