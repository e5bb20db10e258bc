import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { InputFileError } from '../errors.js';
import { openSegment } from './open-segment.js';
import type { CsvDelimiter, SourceRecord } from './source-record.js';

/** Serves `content` as stdin in chunks of `chunkSize` bytes, to cross every chunk boundary. */
function stdinOf(content: string | Buffer, chunkSize = 65536): Readable {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

async function readCsvText(content: string | Buffer, options: { chunkSize?: number; delimiter?: CsvDelimiter; hasHeader?: boolean } = {}) {
  const segment = await openSegment({
    input: '-',
    format: 'csv',
    delimiter: options.delimiter,
    hasHeader: options.hasHeader,
    stdin: stdinOf(content, options.chunkSize),
  });
  const records: SourceRecord[] = [];
  for await (const record of segment.records) records.push(record);
  return { segment, records };
}

async function csvError(content: string | Buffer, chunkSize?: number): Promise<InputFileError> {
  const error = await readCsvText(content, { chunkSize }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

describe('CSV without a header line (--no-header)', () => {
  test('the first row is data; columns are named by their 1-based numbers; lines are as in the file', async () => {
    const { segment, records } = await readCsvText('\nann@example.com;Ann\nbob@example.com;Bob;\n', { hasHeader: false });
    expect(segment.columns).toEqual(['1', '2']);
    expect(records).toEqual([
      { line: 2, fields: { '1': 'ann@example.com', '2': 'Ann' } },
      { line: 3, fields: { '1': 'bob@example.com', '2': 'Bob' } },
    ]);
  });

  test('a row with more non-empty fields than the first is an error naming its line', async () => {
    const error = await readCsvText('a@example.com,Ann\nb@example.com,Bob,x\n', { hasHeader: false }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('<stdin>, line 2: this row has 3 fields but the first row has 2');
  });

  test('is for CSV only', async () => {
    const error = await openSegment({ input: '-', format: 'json', hasHeader: false, stdin: stdinOf('[]') }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('--no-header is for CSV files; <stdin> is JSON, whose objects name their keys.');
  });
});

describe('CSV without quoting (--quote none)', () => {
  test('quotes are kept as written and a line break always ends the row', async () => {
    const segment = await openSegment({
      input: '-',
      format: 'csv',
      quoting: 'none',
      stdin: stdinOf('email|name\n"ann"@example.com|Ann "The Boss\nbob@example.com|O"Neil\n', 5),
    });
    const records: SourceRecord[] = [];
    for await (const record of segment.records) records.push(record);
    expect(records).toEqual([
      { line: 2, fields: { email: '"ann"@example.com', name: 'Ann "The Boss' } },
      { line: 3, fields: { email: 'bob@example.com', name: 'O"Neil' } },
    ]);
  });

  test('the same file read with quoting stops at the stray quote', async () => {
    const error = await openSegment({ input: '-', format: 'csv', stdin: stdinOf('email|name\nbob@example.com|O"Neil\n') })
      .then(async (segment) => {
        for await (const _record of segment.records);
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(/line 2/);
  });

  test('is for CSV only', async () => {
    const error = await openSegment({ input: '-', format: 'ndjson', quoting: 'none', stdin: stdinOf('{}\n') }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('--quote none is for CSV files; <stdin> is NDJSON.');
  });
});

describe('CSV records', () => {
  test('header names the fields and values stay strings exactly as written', async () => {
    const { segment, records } = await readCsvText('email,zip,note\nann@example.com,01234, spaced \n');
    expect(segment.columns).toEqual(['email', 'zip', 'note']);
    expect(segment.format).toBe('csv');
    expect(segment.displayName).toBe('<stdin>');
    expect(records).toEqual([{ line: 2, fields: { email: 'ann@example.com', zip: '01234', note: ' spaced ' } }]);
  });

  test('quoted fields keep delimiters, doubled quotes and newlines', async () => {
    const { records } = await readCsvText('email,note\nann@example.com,"a, ""b""\nc"\n');
    expect(records[0]?.fields).toEqual({ email: 'ann@example.com', note: 'a, "b"\nc' });
  });

  test('a UTF-8 byte order mark is not part of the first column name', async () => {
    const { segment } = await readCsvText('\uFEFFemail,name\nann@example.com,Ann\n');
    expect(segment.columns).toEqual(['email', 'name']);
  });

  test('a header without rows gives no records', async () => {
    const { segment, records } = await readCsvText('email,name\n');
    expect(segment.columns).toEqual(['email', 'name']);
    expect(records).toEqual([]);
    expect(segment.contentDigest()).toMatch(/^[0-9a-f]{64}$/);
  });

  test('blank lines and rows of only delimiters are skipped', async () => {
    const { records } = await readCsvText('email,name\n\n,\nann@example.com,Ann\n   \n\n');
    expect(records.map((record) => record.fields['email'])).toEqual(['ann@example.com']);
  });

  test.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('line numbers are the line each record starts on, with quoted newlines and blank lines (%s)', async (_, eol) => {
    const content = [
      '',
      'email,note',
      'a@example.com,one',
      '',
      '',
      `b@example.com,"two${eol}lines${eol}here"`,
      'c@example.com,three',
      `"d@example.com","x${eol}${eol}y"`,
      ',',
      'e@example.com,five',
      '',
    ].join(eol);
    for (const chunkSize of [3, 65536]) {
      const { records } = await readCsvText(content, { chunkSize });
      expect(records.map((record) => [record.fields['email'], record.line])).toEqual([
        ['a@example.com', 3],
        ['b@example.com', 6],
        ['c@example.com', 9],
        ['d@example.com', 10],
        ['e@example.com', 14],
      ]);
    }
  });

  test('a multi-byte character split across chunks is read intact', async () => {
    const { records } = await readCsvText('email,name\nz@example.com,Zoë 😀 Ørsted\n', { chunkSize: 1 });
    expect(records[0]?.fields['name']).toBe('Zoë 😀 Ørsted');
  });

  test('an empty header name becomes "column N"', async () => {
    const { segment, records } = await readCsvText('email,,name,\na@example.com,x,Ann,\n');
    expect(segment.columns).toEqual(['email', 'column 2', 'name', 'column 4']);
    expect(records[0]?.fields).toEqual({ email: 'a@example.com', 'column 2': 'x', name: 'Ann', 'column 4': '' });
  });
});

describe('CSV files from the real world', () => {
  test.each([
    ['rows that end with a delimiter', 'email,name\na@example.com,Ann,\nb@example.com,Bob,,\n'],
    ['a trailing delimiter on some rows only', 'email,name\na@example.com,Ann\nb@example.com,Bob,\n'],
  ])('%s: the empty extra fields are ignored', async (_, content) => {
    const { segment, records } = await readCsvText(content);
    expect(segment.columns).toEqual(['email', 'name']);
    expect(records).toEqual([
      { line: 2, fields: { email: 'a@example.com', name: 'Ann' } },
      { line: 3, fields: { email: 'b@example.com', name: 'Bob' } },
    ]);
  });

  test.each([
    [
      'an extra field that is not empty',
      'email,name\na@example.com,Ann,\nb@example.com,Bob,x\n',
      'this row has 3 fields but the header has 2',
    ],
    ['an extra quoted field that is not empty', 'email,name\n\nb@example.com,Bob,,"x"\n', 'this row has 4 fields but the header has 2'],
    [
      'fewer fields than the header',
      'email,name,zip\na@example.com,Ann,\nb@example.com,Bob\n',
      'this row has 2 fields but the header has 3',
    ],
  ])('%s is still an error', async (_, content, reason) => {
    const error = await csvError(content);
    expect(error.message).toBe(`<stdin>, line 3: ${reason}`);
  });

  test.each([
    ['an Excel sep=; line', 'sep=;\r\nEmail;First Name\r\na@example.com;Ann, the first\r\n'],
    ['after a byte order mark', '\uFEFFsep=;\r\nEmail;First Name\r\na@example.com;Ann, the first\r\n'],
    ['in capitals, with LF', 'SEP=;\nEmail;First Name\na@example.com;Ann, the first\n'],
  ])('%s sets the delimiter and is skipped; lines stay physical', async (_, content) => {
    for (const chunkSize of [1, 4, 65536]) {
      const { segment, records } = await readCsvText(content, { chunkSize });
      expect(segment.columns).toEqual(['Email', 'First Name']);
      expect(records).toEqual([{ line: 3, fields: { Email: 'a@example.com', 'First Name': 'Ann, the first' } }]);
    }
  });

  test.each<[string, CsvDelimiter]>([
    ['sep=\t', '\t'],
    ['sep=|', '|'],
    ['sep=,', ','],
  ])('%j names its delimiter', async (line, delimiter) => {
    const value = 'a,b;c|d\te'.replace(delimiter, ' ');
    const { segment, records } = await readCsvText(`${line}\nemail${delimiter}note\na@example.com${delimiter}${value}\n`);
    expect(segment.columns).toEqual(['email', 'note']);
    expect(records).toEqual([{ line: 3, fields: { email: 'a@example.com', note: value } }]);
  });

  test('--delimiter wins over a sep= line, which is still skipped', async () => {
    const { segment, records } = await readCsvText('sep=;\nemail,name\na@example.com,Ann\n', { delimiter: ',' });
    expect(segment.columns).toEqual(['email', 'name']);
    expect(records).toEqual([{ line: 3, fields: { email: 'a@example.com', name: 'Ann' } }]);
  });

  test('a first line that only looks like sep= is the header', async () => {
    const { segment } = await readCsvText('sep=;x,email\n1,a@example.com\n');
    expect(segment.columns).toEqual(['sep=;x', 'email']);
  });

  test('a sep= line without a header', async () => {
    const error = await csvError('sep=;\r\n');
    expect(error.message).toContain('no header line');
  });

  test('whitespace-only lines before the header are skipped, and do not hide its delimiter', async () => {
    for (const chunkSize of [1, 65536]) {
      const { segment, records } = await readCsvText('   \n\t\r\n\nemail;name\na@example.com;Ann\n', { chunkSize });
      expect(segment.columns).toEqual(['email', 'name']);
      expect(records).toEqual([{ line: 5, fields: { email: 'a@example.com', name: 'Ann' } }]);
    }
  });

  test('a tab-delimited file may start with a line of tabs and spaces', async () => {
    const { segment } = await readCsvText('\t \t\nemail\tname\na@example.com\tAnn\n');
    expect(segment.columns).toEqual(['email', 'name']);
  });

  test('a file of blank and whitespace-only lines has no header', async () => {
    const error = await csvError('\n\n\r\n   \n');
    expect(error.message).toBe('<stdin>: the file has no header line (it holds only blank lines)');
  });
});

describe('CSV delimiter', () => {
  test.each<[string, CsvDelimiter]>([
    ['email,name,zip', ','],
    ['email;name;zip', ';'],
    ['email\tname\tzip', '\t'],
    ['email|name|zip', '|'],
    ['"last, first";email;zip', ';'],
    ['email', ','],
  ])('is detected from the header %j', async (header, delimiter) => {
    const row = ['a@example.com', 'Ann', '01234'].slice(0, header.split(delimiter).length).join(delimiter);
    const { segment, records } = await readCsvText(`${header}\n${row}\n`);
    expect(segment.columns).toEqual(header.split(delimiter).map((name) => name.replace(/"/g, '')));
    expect(records[0]?.fields[segment.columns[0] ?? '']).toBe(row.split(delimiter)[0]);
  });

  test('a tie between delimiters goes to the comma', async () => {
    const { segment } = await readCsvText('a;b,c\n1;2,3\n');
    expect(segment.columns).toEqual(['a;b', 'c']);
  });

  test('an explicit delimiter wins over detection', async () => {
    const { segment } = await readCsvText('a;b,c;d\n1;2,3;4\n', { delimiter: ',' });
    expect(segment.columns).toEqual(['a;b', 'c;d']);
  });

  test('is detected when the header arrives in several chunks', async () => {
    const { segment } = await readCsvText('email;first_name;last_name\nx;y;z\n', { chunkSize: 2 });
    expect(segment.columns).toEqual(['email', 'first_name', 'last_name']);
  });
});

describe('CSV errors name the line and say what is wrong', () => {
  test('a row with the wrong number of fields', async () => {
    const error = await csvError('a,b,c,d\n1,2,3,4\n\n"x\ny",2,3,4\n1,2,3,4,5\n');
    expect(error.message).toBe('<stdin>, line 6: this row has 5 fields but the header has 4');
    expect(error.line).toBe(6);
  });

  test('a duplicate header name', async () => {
    const error = await csvError('id,email,name,phone,email\n');
    expect(error.message).toBe('<stdin>, line 1: column "email" appears twice in the header (columns 2 and 5)');
  });

  test('a duplicated header cell that looks like personal data is masked', async () => {
    const error = await csvError('+1 415 555 0123,ann@example.com,+1 415 555 0123\n');
    expect(error.message).toBe('<stdin>, line 1: column "<phone number>" appears twice in the header (columns 1 and 3)');
  });

  test('a field named in a syntax error is masked when its header cell looks like personal data', async () => {
    const error = await csvError('email,ann@example.com\na@example.com,x"y\n');
    expect(error.message).toMatch(/field 2 \("<email address>"\) has a quote inside a value/);
  });

  test('an unclosed quote names the line where it opened', async () => {
    const error = await csvError('email,note\na@example.com,fine\n\nb@example.com,"never closed\nmore\nlines\n');
    expect(error.line).toBe(4);
    expect(error.message).toContain('never closed');
  });

  test('a quote inside an unquoted value', async () => {
    const error = await csvError('email,title\na@example.com,fine\nb@example.com,5" screen\n');
    expect(error.message).toMatch(/^<stdin>, line 3, column 16: field 2 \("title"\) has a quote inside a value/);
  });

  test('a stray quote after a quoted CRLF in the same row names its own line', async () => {
    const error = await csvError('email,note,title\r\na@example.com,"two\r\nlines",5" screen\r\n');
    expect(error.line).toBe(3);
    expect(error.column).toBe(9);
    expect(error.message).toContain('field 3 ("title")');
  });

  test('text after a closing quote', async () => {
    const error = await csvError('email,title\n"a@example.com"x,fine\n');
    expect(error.message).toMatch(/^<stdin>, line 2, column 16: in field 1 \("email"\), a closing quote is followed by other characters/);
  });

  test('invalid UTF-8 names the line and byte column', async () => {
    const latin1 = Buffer.concat([Buffer.from('email,name\na@example.com,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]);
    for (const chunkSize of [1, 65536]) {
      const error = await csvError(latin1, chunkSize);
      expect(error.message).toBe(
        '<stdin>, line 2, column 17: the byte 0xEB is not valid UTF-8; it looks like Windows-1252 (Excel on Windows): pass --encoding windows-1252, or save the file as UTF-8',
      );
    }
  });

  test('a binary file', async () => {
    const error = await csvError(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08]));
    expect(error.message).toContain('looks like a binary file, not CSV');
  });

  test('an empty input', async () => {
    const error = await csvError('');
    expect(error.message).toBe('<stdin>: the file is empty');
  });

  test('an input of only blank lines', async () => {
    const error = await csvError('\n\r\n\n');
    expect(error.message).toContain('no header line');
  });

  test('a row too long to be a real row (an unclosed quote swallowing the file)', async () => {
    const error = await csvError(`email,note\na@example.com,"${'x'.repeat(1_100_000)}\n`);
    expect(error.line).toBe(2);
    expect(error.message).toContain('longer than 1,000,000 characters; a quote that opens in it is probably not closed');
  });

  test('a row too long without any quote does not blame a quote', async () => {
    for (const chunkSize of [65536, 2_000_000]) {
      const error = await csvError(`email,note\na@example.com,${'x'.repeat(1_100_000)}\n`, chunkSize);
      expect(error.message).toBe('<stdin>, line 2: the row that starts here is longer than 1,000,000 characters; is the file really CSV?');
    }
  });
});
