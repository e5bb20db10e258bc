import { UsageError } from '../errors.js';

/** The WHATWG name of an encoding: what `new TextDecoder(label).encoding` says. */
export type EncodingName = string;

export const UTF8: EncodingName = 'utf-8';

/**
 * The canonical name of an `--encoding` label (`latin1` -> `windows-1252`, `UTF8` -> `utf-8`):
 * any label that Node's built-in TextDecoder knows. Throws UsageError for one it does not.
 */
export function resolveEncoding(label: string): EncodingName {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch (error) {
    throw new UsageError(
      `--encoding "${label}" is not an encoding Node.js knows; use a label such as utf-8, windows-1252, iso-8859-15, utf-16le or shift_jis.`,
      { cause: error },
    );
  }
}

/**
 * The encoding a file's first bytes declare with a UTF-16 byte order mark, or undefined. (A UTF-8
 * BOM needs nothing: the readers skip it.)
 */
export function encodingOfByteOrderMark(head: Uint8Array): EncodingName | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Bytes that Windows-1252 leaves undefined: a file holding them was not written in it. */
const UNDEFINED_IN_WINDOWS_1252: ReadonlySet<number> = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * True when bytes that are not UTF-8 read as Windows-1252 text (Excel's "CSV" on a Western
 * European or American Windows): some byte above 0x7F, none that Windows-1252 leaves undefined,
 * and no control character other than tab and line breaks.
 */
export function looksLikeWindows1252(bytes: Uint8Array): boolean {
  let hasHighByte = false;
  for (const byte of bytes) {
    if (byte >= 0x80) {
      if (UNDEFINED_IN_WINDOWS_1252.has(byte)) return false;
      hasHighByte = true;
    } else if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return hasHighByte;
}
