import type { CsvDelimiter } from './source-record.js';

const candidates: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const candidateCodes: readonly number[] = candidates.map((candidate) => candidate.charCodeAt(0));
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const SEP_PREFIX = 'sep=';

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
 * The first line of `bytes` that is not blank (empty, or spaces and tabs only), without its line
 * break (a quoted line break does not end it), or undefined when `bytes` ends before that line does.
 */
export function findHeaderLine(bytes: Uint8Array): Uint8Array | undefined {
  let start = 0;
  let isBlank = true;
  let isQuoted = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte === QUOTE) {
      isQuoted = !isQuoted;
      isBlank = false;
    } else if (!isQuoted && (byte === LF || byte === CR)) {
      if (!isBlank) return bytes.subarray(start, index);
      start = index + 1;
    } else if (byte !== SPACE && byte !== TAB) isBlank = false;
  }
  return undefined;
}

/**
 * The delimiter named by an Excel `sep=;` first line (one of , ; tab |), or undefined when the
 * file does not start with one. `bytes` starts after any byte order mark, and either is the whole
 * file or goes past the first line.
 */
export function readSeparatorLine(bytes: Uint8Array): CsvDelimiter | undefined {
  const prefix = String.fromCharCode(...bytes.subarray(0, SEP_PREFIX.length)).toLowerCase();
  if (prefix !== SEP_PREFIX) return undefined;
  const delimiter = candidates[candidateCodes.indexOf(bytes[SEP_PREFIX.length] ?? -1)];
  const after = bytes[SEP_PREFIX.length + 1];
  return after === undefined || after === LF || after === CR ? delimiter : undefined;
}
