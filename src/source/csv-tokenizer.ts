import { CsvSyntaxError } from '../errors.js';
import type { CsvDelimiter, CsvQuoting } from './source-record.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Receives each record's fields and the 1-based physical line where the record starts. */
export type CsvRowSink = (fields: string[], line: number) => void;

/**
 * A streaming RFC 4180 tokenizer: UTF-8 bytes in, rows of string fields out. Line breaks are CRLF,
 * LF or CR, mixed freely, inside quotes too; a leading byte order mark is dropped; empty lines give
 * no row. Unlike a byte-by-byte parser, each chunk is decoded once and scanned with `indexOf`, and
 * an unquoted line is split without looking at its characters one by one; only records holding
 * a quote take the slower path. The record still unfinished at the end of a chunk is kept and
 * scanned again with the next one.
 */
export class CsvTokenizer {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly maxRecordChars: number;
  private readonly isQuoting: boolean;
  /** The unfinished record, from its first character. */
  private pending = '';
  /** Physical line where `pending` starts. */
  private line = 1;

  constructor(delimiter: CsvDelimiter, maxRecordChars: number, quoting: CsvQuoting = 'csv') {
    this.delimiter = delimiter;
    this.delimiterCode = delimiter.charCodeAt(0);
    this.maxRecordChars = maxRecordChars;
    this.isQuoting = quoting === 'csv';
  }

  /** Emits every record this chunk completes. Throws CsvSyntaxError. */
  push(chunk: Uint8Array, onRow: CsvRowSink): void {
    const text = this.decoder.decode(chunk, { stream: true });
    this.scan(this.pending.length === 0 ? text : this.pending + text, false, onRow);
    if (this.pending.length > this.maxRecordChars) {
      throw new CsvSyntaxError('RECORD_TOO_LONG', this.line, { isInsideQuotes: this.isQuoting && endsInsideQuotes(this.pending) });
    }
  }

  /** Emits the last record, if the input does not end with a line break. Throws CsvSyntaxError. */
  end(onRow: CsvRowSink): void {
    this.scan(this.pending + this.decoder.decode(), true, onRow);
  }

  private scan(text: string, isFinal: boolean, onRow: CsvRowSink): void {
    const { delimiter, maxRecordChars, isQuoting } = this;
    const length = text.length;
    // The next quote, delimiter, CR and LF at or after the last place searched; `length` when
    // there is none. Searching again only once passed keeps the scan linear in the chunk.
    let nextQuote = -1;
    let nextDelimiter = -1;
    let nextCr = -1;
    let nextLf = -1;
    let position = 0;
    let line = this.line;
    while (position < length) {
      if (nextLf < position) nextLf = indexOrEnd(text, '\n', position);
      if (nextCr < position) nextCr = indexOrEnd(text, '\r', position);
      if (nextQuote < position) nextQuote = isQuoting ? indexOrEnd(text, '"', position) : length;
      const lineEnd = nextLf < nextCr ? nextLf : nextCr;
      if (nextQuote < lineEnd) {
        const end = this.scanQuotedRecord(text, position, line, isFinal, onRow);
        if (end === undefined) break;
        position = end.next;
        line = end.line;
        continue;
      }
      let breakLength = 1;
      if (lineEnd === length) {
        if (!isFinal) break;
      } else if (lineEnd === nextCr) {
        if (lineEnd + 1 === length && !isFinal) break; // the LF of a CRLF may be in the next chunk
        if (text.charCodeAt(lineEnd + 1) === LF) breakLength = 2;
      }
      if (lineEnd > position) {
        if (lineEnd - position > maxRecordChars) throw new CsvSyntaxError('RECORD_TOO_LONG', line);
        const fields: string[] = [];
        let fieldStart = position;
        if (nextDelimiter < fieldStart) nextDelimiter = indexOrEnd(text, delimiter, fieldStart);
        while (nextDelimiter < lineEnd) {
          fields.push(text.slice(fieldStart, nextDelimiter));
          fieldStart = nextDelimiter + 1;
          nextDelimiter = indexOrEnd(text, delimiter, fieldStart);
        }
        fields.push(text.slice(fieldStart, lineEnd));
        onRow(fields, line);
      }
      position = lineEnd + breakLength;
      line++;
    }
    this.pending = position < length ? text.slice(position) : '';
    this.line = line;
  }

  /**
   * Reads the record that starts at `start` and holds a quote, character by character outside
   * quotes and with `indexOf` inside them. Returns where the next record starts and its line, or
   * undefined when the record is not complete yet.
   */
  private scanQuotedRecord(
    text: string,
    start: number,
    startLine: number,
    isFinal: boolean,
    onRow: CsvRowSink,
  ): { next: number; line: number } | undefined {
    const length = text.length;
    const delimiterCode = this.delimiterCode;
    const fields: string[] = [];
    let line = startLine;
    let position = start;
    // Each turn reads one field and stops on the delimiter or line break after it (or the end).
    for (;;) {
      let code: number;
      if (text.charCodeAt(position) === QUOTE) {
        let value = '';
        let segmentStart = position + 1;
        for (;;) {
          const quote = text.indexOf('"', segmentStart);
          if (quote === -1) {
            if (isFinal) throw new CsvSyntaxError('QUOTE_NOT_CLOSED', startLine);
            return undefined;
          }
          value += text.slice(segmentStart, quote);
          line += countLineBreaks(text, segmentStart, quote);
          if (quote + 1 === length && !isFinal) return undefined; // it may be a doubled quote
          code = text.charCodeAt(quote + 1);
          if (code === QUOTE) {
            value += '"';
            segmentStart = quote + 2;
            continue;
          }
          position = quote + 1;
          if (position < length && code !== delimiterCode && code !== CR && code !== LF) {
            throw new CsvSyntaxError('TEXT_AFTER_CLOSING_QUOTE', line, {
              fieldIndex: fields.length,
              column: byteColumn(text, start, position),
            });
          }
          break;
        }
        fields.push(value);
      } else {
        const fieldStart = position;
        code = text.charCodeAt(position);
        while (position < length && code !== delimiterCode && code !== CR && code !== LF) {
          if (code === QUOTE) {
            throw new CsvSyntaxError('QUOTE_IN_UNQUOTED_FIELD', line, {
              fieldIndex: fields.length,
              column: byteColumn(text, start, position),
            });
          }
          code = text.charCodeAt(++position);
        }
        if (position === length && !isFinal) return undefined;
        fields.push(text.slice(fieldStart, position));
      }
      if (position < length && code === delimiterCode) {
        position++;
        continue;
      }
      let breakLength = 0;
      if (code === LF) breakLength = 1;
      else if (code === CR) {
        if (position + 1 === length && !isFinal) return undefined;
        breakLength = text.charCodeAt(position + 1) === LF ? 2 : 1;
      }
      if (position - start > this.maxRecordChars) throw new CsvSyntaxError('RECORD_TOO_LONG', startLine);
      onRow(fields, startLine);
      return { next: position + breakLength, line: line + (breakLength === 0 ? 0 : 1) };
    }
  }
}

function indexOrEnd(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index === -1 ? text.length : index;
}

/** Line breaks in `text[from, to)`, a CRLF counting once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (code === LF) count++;
    else if (code === CR && text.charCodeAt(index + 1) !== LF) count++;
  }
  return count;
}

/**
 * Whether an unfinished record ends inside an open quote. The tokenizer has already refused any
 * quote outside a quoted field, so every quote opens, closes or doubles one: an odd count is open.
 */
function endsInsideQuotes(record: string): boolean {
  let quotes = 0;
  for (let at = record.indexOf('"'); at !== -1; at = record.indexOf('"', at + 1)) quotes++;
  return quotes % 2 === 1;
}

/**
 * 1-based byte column of `text[position]` on its physical line; `recordStart` starts a line, as
 * every record does. Bytes, so that it agrees with the column of an invalid UTF-8 byte.
 */
function byteColumn(text: string, recordStart: number, position: number): number {
  let lineStart = recordStart;
  for (let at = position - 1; at >= recordStart; at--) {
    const code = text.charCodeAt(at);
    if (code === LF || code === CR) {
      lineStart = at + 1;
      break;
    }
  }
  return Buffer.byteLength(text.slice(lineStart, position), 'utf8') + 1;
}
