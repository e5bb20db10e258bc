import { CsvSyntaxError, type CsvSyntaxErrorCode } from '../errors.js';
import { CsvError, parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { CsvTokenizer } from './csv-tokenizer.js';
import type { CsvDelimiter, CsvQuoting } from './source-record.js';
import { mulberry32 } from '../prng.js';

interface Row {
  fields: string[];
  line: number;
}

type Outcome = { rows: Row[] } | { error: { code: string; line: number; fieldIndex: number | undefined } };

function tokenize(
  bytes: Buffer,
  delimiter: CsvDelimiter,
  chunkSizes: () => number,
  maxRecordChars = 1_000_000,
  quoting: CsvQuoting = 'csv',
): Outcome {
  const tokenizer = new CsvTokenizer(delimiter, maxRecordChars, quoting);
  const rows: Row[] = [];
  const onRow = (fields: string[], line: number): void => void rows.push({ fields, line });
  try {
    for (let at = 0; at < bytes.length;) {
      const size = chunkSizes();
      tokenizer.push(bytes.subarray(at, at + size), onRow);
      at += size;
    }
    tokenizer.end(onRow);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { error: { code: error.code, line: error.line, fieldIndex: error.fieldIndex } };
  }
  return { rows };
}

const csvParseCodes: Readonly<Record<string, CsvSyntaxErrorCode>> = {
  CSV_QUOTE_NOT_CLOSED: 'QUOTE_NOT_CLOSED',
  INVALID_OPENING_QUOTE: 'QUOTE_IN_UNQUOTED_FIELD',
  CSV_INVALID_CLOSING_QUOTE: 'TEXT_AFTER_CLOSING_QUOTE',
};

/**
 * The oracle: csv-parse with the options the reader used before. csv-parse reports the line where
 * a record ends and counts a CRLF inside quotes as two lines; start lines are derived from the
 * line breaks inside the record's values, and those double counts are subtracted.
 */
function tokenizeWithCsvParse(bytes: Buffer, delimiter: CsvDelimiter, quoting: CsvQuoting = 'csv'): Outcome {
  const rows: Row[] = [];
  let doubleCounted = 0;
  let previousEnd = 0;
  let previousEmptyLines = 0;
  try {
    parse(bytes, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      ...(quoting === 'none' ? { quote: false } : {}),
      on_record: (record: string[], context) => {
        doubleCounted += record.reduce((sum, value) => sum + count(value, /\r\n/g), 0);
        const end = context.lines - doubleCounted;
        rows.push({ fields: record, line: end - record.reduce((sum, value) => sum + count(value, /\r\n|\r|\n/g), 0) });
        previousEnd = end;
        previousEmptyLines = context.empty_lines;
        return record;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const code = csvParseCodes[error.code] ?? error.code;
    const fields = error as unknown as { lines: number; empty_lines: number; column: number };
    const line = code === 'QUOTE_NOT_CLOSED' ? previousEnd + 1 + (fields.empty_lines - previousEmptyLines) : fields.lines - doubleCounted;
    return { error: { code, line, fieldIndex: code === 'QUOTE_NOT_CLOSED' ? undefined : fields.column } };
  }
  return { rows };
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

const delimiters: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const plainPieces = ['a', 'Zoë', 'ß', '中文', '😀', ' ', 'x y', '0123', 'ann@example.com', '\u00a0', 'Ørsted'];

interface Shape {
  readonly random: () => number;
  readonly delimiter: CsvDelimiter;
  readonly lineBreaks: readonly string[];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function plainText(shape: Shape): string {
  let text = '';
  const pieces = Math.floor(shape.random() * 4);
  for (let index = 0; index < pieces; index++) text += pick(shape.random, plainPieces);
  return text;
}

function quotedField(shape: Shape): string {
  const { random, delimiter, lineBreaks } = shape;
  const parts = [plainText(shape), '""', delimiter, pick(random, lineBreaks), plainText(shape)];
  let inside = '';
  for (let index = Math.floor(random() * 5); index > 0; index--) inside += pick(random, parts);
  return `"${inside}"`;
}

function field(shape: Shape): string {
  const roll = shape.random();
  if (roll < 0.15) return '';
  return roll < 0.5 ? quotedField(shape) : plainText(shape);
}

function randomCsv(shape: Shape): string {
  const { random, delimiter, lineBreaks } = shape;
  const width = 1 + Math.floor(random() * 4);
  const lines: string[] = [];
  for (let index = Math.floor(random() * 12); index >= 0; index--) {
    if (random() < 0.15) lines.push('');
    const fieldCount = random() < 0.9 ? width : 1 + Math.floor(random() * 5);
    lines.push(Array.from({ length: fieldCount }, () => field(shape)).join(delimiter));
  }
  let text = random() < 0.1 ? '\uFEFF' : '';
  for (const line of lines) text += line + pick(random, lineBreaks);
  return random() < 0.3 ? text.slice(0, text.length - 1) : text;
}

/** A fault at a random place: a stray quote in a value, text after a closing quote, an unclosed quote. */
function breakCsv(text: string, shape: Shape): string {
  const at = Math.floor(shape.random() * (text.length + 1));
  const fault = pick(shape.random, ['x"y', '"q"z', '"open', '"']);
  return text.slice(0, at) + fault + text.slice(at);
}

/** Chunk sizes: often a single byte, else anything up to a few hundred bytes. */
function chunkSizesFrom(random: () => number): () => number {
  const mode = random();
  if (mode < 0.25) return () => 1;
  return () => (random() < 0.3 ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 300));
}

const allBreaks = ['\n', '\r\n', '\r'];

describe('CsvTokenizer against csv-parse', () => {
  test('well-formed random files give the same rows and start lines in any chunking', () => {
    const random = mulberry32(20260715);
    let rowsCompared = 0;
    for (let run = 0; run < 3000; run++) {
      const shape = { random, delimiter: pick(random, delimiters), lineBreaks: allBreaks };
      const bytes = Buffer.from(randomCsv(shape));
      const expected = tokenizeWithCsvParse(bytes, shape.delimiter);
      const actual = tokenize(bytes, shape.delimiter, chunkSizesFrom(random));
      expect(actual, `run ${run}: ${JSON.stringify(bytes.toString())}`).toEqual(expected);
      if ('rows' in expected) rowsCompared += expected.rows.length;
    }
    expect(rowsCompared).toBeGreaterThan(10_000);
  });

  test('malformed random files fail the same way, on the same line', () => {
    const random = mulberry32(4180);
    const failures = new Map<string, number>();
    for (let run = 0; run < 3000; run++) {
      // csv-parse misplaces a fault that follows a quoted CRLF in the same row, so no CRLF here.
      const shape = { random, delimiter: pick(random, delimiters), lineBreaks: random() < 0.5 ? ['\n'] : ['\r'] };
      const bytes = Buffer.from(breakCsv(randomCsv(shape), shape));
      const expected = tokenizeWithCsvParse(bytes, shape.delimiter);
      const actual = tokenize(bytes, shape.delimiter, chunkSizesFrom(random));
      expect(actual, `run ${run}: ${JSON.stringify(bytes.toString())}`).toEqual(expected);
      if ('error' in actual) failures.set(actual.error.code, (failures.get(actual.error.code) ?? 0) + 1);
    }
    expect([...failures.keys()].sort()).toEqual(['QUOTE_IN_UNQUOTED_FIELD', 'QUOTE_NOT_CLOSED', 'TEXT_AFTER_CLOSING_QUOTE']);
    for (const times of failures.values()) expect(times).toBeGreaterThan(100);
  });

  test('malformed random files with CRLF fail the same way', () => {
    const random = mulberry32(1310);
    for (let run = 0; run < 1000; run++) {
      const shape = { random, delimiter: pick(random, delimiters), lineBreaks: allBreaks };
      const bytes = Buffer.from(breakCsv(randomCsv(shape), shape));
      const expected = tokenizeWithCsvParse(bytes, shape.delimiter);
      const actual = tokenize(bytes, shape.delimiter, chunkSizesFrom(random));
      const describe = (outcome: Outcome) => ('rows' in outcome ? outcome : outcome.error.code);
      expect(describe(actual), `run ${run}: ${JSON.stringify(bytes.toString())}`).toEqual(describe(expected));
      if ('error' in actual && 'error' in expected && !bytes.includes('\r\n')) expect(actual).toEqual(expected);
    }
  });
});

describe('CsvTokenizer without quoting (QuoteStyle.None) against csv-parse with quote: false', () => {
  test('random files, stray and unclosed quotes included, give the same rows and lines in any chunking', () => {
    const random = mulberry32(2026_12_03);
    let quotedValues = 0;
    for (let run = 0; run < 2000; run++) {
      const shape = { random, delimiter: pick(random, delimiters), lineBreaks: allBreaks };
      const text = randomCsv(shape);
      const bytes = Buffer.from(random() < 0.5 ? breakCsv(text, shape) : text);
      const expected = tokenizeWithCsvParse(bytes, shape.delimiter, 'none');
      const actual = tokenize(bytes, shape.delimiter, chunkSizesFrom(random), 1_000_000, 'none');
      expect(actual, `run ${run}: ${JSON.stringify(bytes.toString())}`).toEqual(expected);
      if ('rows' in actual) quotedValues += actual.rows.flatMap((row) => row.fields).filter((value) => value.includes('"')).length;
    }
    expect(quotedValues).toBeGreaterThan(1000);
  });

  test('a quote is a plain character and a line break always ends the record', () => {
    expect(tokenize(Buffer.from('email,note\n"a@x.com","Ann\nb@x.com,O"Neil"\n'), ',', () => 3, 1_000_000, 'none')).toEqual({
      rows: [
        { fields: ['email', 'note'], line: 1 },
        { fields: ['"a@x.com"', '"Ann'], line: 2 },
        { fields: ['b@x.com', 'O"Neil"'], line: 3 },
      ],
    });
  });

  test('a row too long is never said to be inside a quote', () => {
    const tokenizer = new CsvTokenizer(',', 12, 'none');
    expect(() => tokenizer.push(Buffer.from('email\n"a,123456789012345'), () => {})).toThrow(
      expect.objectContaining({ code: 'RECORD_TOO_LONG', isInsideQuotes: false }),
    );
  });
});

describe('CsvTokenizer', () => {
  const whole = () => 1 << 20;

  test.each<[string, string, Row[]]>([
    [
      'a CRLF split across chunks ends one line',
      'a,b\r\nc,d\r\n',
      [
        { fields: ['a', 'b'], line: 1 },
        { fields: ['c', 'd'], line: 2 },
      ],
    ],
    [
      'a quoted CRLF counts as one line',
      '"x\r\ny",1\r\nz,2',
      [
        { fields: ['x\r\ny', '1'], line: 1 },
        { fields: ['z', '2'], line: 3 },
      ],
    ],
    [
      'a lone CR ends a line',
      'a\rb\r\rc',
      [
        { fields: ['a'], line: 1 },
        { fields: ['b'], line: 2 },
        { fields: ['c'], line: 4 },
      ],
    ],
    [
      'an empty quoted field is a row, an empty line is not',
      '""\n\n,\n',
      [
        { fields: [''], line: 1 },
        { fields: ['', ''], line: 3 },
      ],
    ],
  ])('%s', (_, text, rows) => {
    for (const size of [1, 2, 1 << 20]) expect(tokenize(Buffer.from(text), ',', () => size)).toEqual({ rows });
  });

  test('a byte order mark split across chunks is dropped', () => {
    expect(tokenize(Buffer.from('\uFEFFemail\n'), ',', () => 1)).toEqual({ rows: [{ fields: ['email'], line: 1 }] });
  });

  test.each([
    ['a complete line', 'email,note\na,12345678901\n', 2],
    ['a quoted row', 'email,note\n\n"a","123456789"\n', 3],
    ['an unfinished row', 'email,note\na,"123456789012345', 2],
  ])('a row longer than the limit is refused: %s', (_, text, line) => {
    for (const size of [1, 7, 1 << 20]) {
      expect(tokenize(Buffer.from(text), ',', () => size, 12)).toEqual({
        error: { code: 'RECORD_TOO_LONG', line, fieldIndex: undefined },
      });
    }
  });

  test.each([
    ['an unquoted line', 'email,note\na,12345678901\n', false],
    ['a complete row with a quoted field', 'email,note\n"a",1234567890123\n', false],
    ['a row inside an open quote', 'email,note\na,"123456789012345', true],
    ['a row whose quotes are closed so far', 'email,note\n"a","b",123456789012345', false],
  ])('a row too long says whether it is inside an open quote: %s', (_, text, isInsideQuotes) => {
    for (const size of [1, 7, 1 << 20]) {
      const tokenizer = new CsvTokenizer(',', 12);
      const read = (): void => {
        for (let at = 0; at < text.length; at += size) tokenizer.push(Buffer.from(text.slice(at, at + size)), () => {});
        tokenizer.end(() => {});
      };
      expect(read).toThrow(expect.objectContaining({ code: 'RECORD_TOO_LONG', isInsideQuotes }));
    }
  });

  test('a quote error gives the byte column of the faulty character on its line', () => {
    const tokenizer = new CsvTokenizer(',', 100);
    const read = (): void => tokenizer.push(Buffer.from('x\n"Zoë\nØ",ab"c\n'), () => {});
    expect(read).toThrow(expect.objectContaining({ code: 'QUOTE_IN_UNQUOTED_FIELD', line: 3, fieldIndex: 1, column: 7 }));
  });

  test('a row at the limit is read', () => {
    expect(tokenize(Buffer.from('a,1234567890\n"a",12345678'), ',', whole, 12)).toEqual({
      rows: [
        { fields: ['a', '1234567890'], line: 1 },
        { fields: ['a', '12345678'], line: 2 },
      ],
    });
  });
});
