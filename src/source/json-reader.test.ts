import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { InputFileError } from '../errors.js';
import { openSegment } from './open-segment.js';
import type { SegmentFormat, SourceRecord } from './source-record.js';

function stdinOf(content: string | Buffer, chunkSize: number): Readable {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

async function readText(content: string | Buffer, format: SegmentFormat, chunkSize = 65536) {
  const segment = await openSegment({ input: '-', format, stdin: stdinOf(content, chunkSize) });
  const records: SourceRecord[] = [];
  for await (const record of segment.records) records.push(record);
  return { segment, records };
}

async function readError(content: string | Buffer, format: SegmentFormat, chunkSize?: number): Promise<InputFileError> {
  const error = await readText(content, format, chunkSize).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

const tricky = `\uFEFF[
  {"email": "ann@example.com", "note": "brace } bracket ] quote \\" backslash \\\\", "zip": "01234"},
  {"email": "bob@example.com",
   "age": 42, "vip": true, "gone": null, "address": {"city": "Zoë 😀", "lines": ["a", "b"]}},

  {"email": "carl@example.com", "escaped": "\\u00e9\\n"}
]
`;

describe('JSON arrays', () => {
  test.each([1, 2, 3, 7, 65536])('elements, their index and line survive chunks of %i bytes', async (chunkSize) => {
    const { segment, records } = await readText(tricky, 'json', chunkSize);
    expect(records).toEqual([
      {
        line: 2,
        index: 0,
        fields: { email: 'ann@example.com', note: 'brace } bracket ] quote " backslash \\', zip: '01234' },
      },
      {
        line: 3,
        index: 1,
        fields: {
          email: 'bob@example.com',
          age: 42,
          vip: true,
          gone: null,
          address: { city: 'Zoë 😀', lines: ['a', 'b'] },
        },
      },
      { line: 6, index: 2, fields: { email: 'carl@example.com', escaped: 'é\n' } },
    ]);
    expect(segment.columns).toEqual(['email', 'note', 'zip', 'age', 'vip', 'gone', 'address', 'escaped']);
  });

  test('a {"profiles": [...]} wrapper, with other keys skipped', async () => {
    const content =
      '{"meta": {"note": "a ] and } in a string", "list": [1, {"x": 2}]}, "count": 1,\n "profiles": [\n{"email": "a@example.com"}\n], "tail": "z"}';
    const { records } = await readText(content, 'json', 5);
    expect(records).toEqual([{ line: 3, index: 0, fields: { email: 'a@example.com' } }]);
  });

  test('an empty array gives no records', async () => {
    const { segment, records } = await readText(' [ ] \n', 'json');
    expect(records).toEqual([]);
    expect(segment.columns).toEqual([]);
  });
});

describe('JSON errors', () => {
  test.each([
    ['"just a string"', '<stdin>, line 1: expected a JSON array of objects, {"profiles": [...]} or {"data": [...]}'],
    ['email,name\n', '<stdin>, line 1: expected a JSON array of objects, {"profiles": [...]} or {"data": [...]}'],
    [
      '{"items": []}',
      '<stdin>, line 1: the object has no "profiles" or "data" array; expected a JSON array of objects, {"profiles": [...]} or {"data": [...]}, or name the array with --json-path (for one object per line, NDJSON, use --format ndjson or rename it .ndjson)',
    ],
    [
      '{"email":"a@x.com"}\n{"email":"b@x.com"}\n',
      '<stdin>, line 2: a second top-level JSON value starts here: the file looks like NDJSON (one object per line); use --format ndjson or rename it .ndjson',
    ],
    [
      '{"email":"a@x.com"}\n\n"x"',
      '<stdin>, line 3: a second top-level JSON value starts here: the file looks like NDJSON (one object per line); use --format ndjson or rename it .ndjson',
    ],
    [
      '[{"a": 1}]\n{"a": 2}',
      '<stdin>, line 2: a second top-level JSON value starts here: the file looks like NDJSON (one object per line); use --format ndjson or rename it .ndjson',
    ],
    [
      '{"profiles": {"email": "a@example.com"}}',
      '<stdin>, line 1: "profiles" must be an array of objects; name the array of profiles with --json-path',
    ],
    [
      '{"profiles": [],\n "data": [{"email": "a@example.com"}]}',
      '<stdin>, line 2: a second array of profiles ("data") starts here; name the one to read with --json-path',
    ],
    [
      '[{"email": "a@example.com"},\n{"email": "b@example.com"},\n\n 42]',
      '<stdin>, line 4: element 3 of the array is a number, not an object',
    ],
    ['[{"a": 1}, ["x"]]', '<stdin>, line 1: element 2 of the array is an array, not an object'],
    ['[{"a": 1},]', '<stdin>, line 1: expected an element after ",", found "]"'],
    ['[{"a": 1}] x', '<stdin>, line 1: unexpected content after the end of the JSON array'],
    ['[{"a": 1}\n{"b": 2}]', '<stdin>, line 2: expected "," or "]" after an array element, found "{"'],
    ['   \n', '<stdin>, line 2: the file holds no JSON; expected a JSON array of objects, {"profiles": [...]} or {"data": [...]}'],
    ['{"prof\tiles": []}', '<stdin>, line 1: a key of the top-level object is not valid JSON: bad control character in string literal'],
  ])('%j', async (content, message) => {
    const error = await readError(content, 'json');
    expect(error.message).toBe(message);
  });

  test('a malformed element names its line and what V8 found, without echoing the data', async () => {
    const error = await readError('[\n{"email": "a@example.com"},\n{"email":\n "secret@example.com" "name": 1}\n]', 'json');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^<stdin>, line 4, column \d+: element 2 of the array is not valid JSON: expected ',' or '}'/);
    expect(error.message).not.toContain('secret@example.com');
  });

  test('an unexpected token is reported without the text V8 quotes', async () => {
    const error = await readError('[{"email": "secret@example.com", "x": nope}]', 'json');
    expect(error.message).toBe("<stdin>, line 1: element 1 of the array is not valid JSON: unexpected token 'o'");
  });

  test('an unexpected token inside a long element: the excerpt V8 quotes, cut at both ends, is not reported either', async () => {
    const error = await readError('[{"a": nope, "email": "secret@example.com",\n "note": "long enough for V8 to cut its quote"}]', 'json');
    expect(error.message).toBe("<stdin>, line 1: element 1 of the array is not valid JSON: unexpected token 'o'");
  });

  test('a line break where a value should go is named as an escape: the message stays one line', async () => {
    const error = await readError('[{"a": nul\n}]', 'json');
    expect(error.message).toBe("<stdin>, line 1: element 1 of the array is not valid JSON: unexpected token '\\n'");
  });

  test('a truncated file', async () => {
    const inside = await readError('[{"email": "a@example.com"},\n{"email": "b@exa', 'json', 4);
    expect(inside.message).toBe('<stdin>, line 2: the file ends inside this element (is it truncated?)');
    const between = await readError('[{"email": "a@example.com"},\n', 'json');
    expect(between.message).toBe('<stdin>, line 2: the file ends before the JSON array is closed (is it truncated?)');
  });

  test('binary content', async () => {
    const error = await readError(Buffer.from([0x5b, 0x00, 0x01]), 'json');
    expect(error.message).toContain('looks like a binary file, not JSON');
  });
});

describe('NDJSON', () => {
  test('one object per line; blank lines, CRLF and a BOM are tolerated; lines are exact', async () => {
    const content = '\uFEFF{"email":"a@example.com","n":1}\r\n\r\n  \n{"email":"b@example.com","tags":["x"]}\n{"email":"c@example.com"}';
    for (const chunkSize of [1, 3, 65536]) {
      const { segment, records } = await readText(content, 'ndjson', chunkSize);
      expect(records).toEqual([
        { line: 1, fields: { email: 'a@example.com', n: 1 } },
        { line: 4, fields: { email: 'b@example.com', tags: ['x'] } },
        { line: 5, fields: { email: 'c@example.com' } },
      ]);
      expect(segment.columns).toEqual(['email', 'n', 'tags']);
    }
  });

  test.each([
    ['{"a":1}\n[1]\n', '<stdin>, line 2: this line is an array, not a JSON object'],
    ['{"a":1}\n\n"text"\n', '<stdin>, line 3: this line is a string, not a JSON object'],
    ['{"a":1}\nnull\n', '<stdin>, line 2: this line is null, not a JSON object'],
    ['{"a":1}\n{"a":1,}\n', '<stdin>, line 2, column 8: this line is not valid JSON: expected double-quoted property name'],
    ['[{"a":1},\n{"a":2}]\n', '<stdin>, line 1: this line is not valid JSON: unexpected end of JSON input'],
  ])('%j is refused', async (content, message) => {
    const error = await readError(content, 'ndjson');
    expect(error.message).toBe(message);
  });
});

describe('large integers', () => {
  test.each<[SegmentFormat, string]>([
    ['json', '[{"email":"ann@example.com","id":12345678901234567890,"n":42}]'],
    ['ndjson', '{"email":"ann@example.com","id":12345678901234567890,"n":42}\n'],
  ])('%s: an id beyond 2^53 reaches the record as its exact digits', async (format, content) => {
    const { records } = await readText(content, format);
    expect(records[0]?.fields).toEqual({ email: 'ann@example.com', id: '12345678901234567890', n: 42 });
  });

  test('a malformed NDJSON line with a large integer names the column as written', async () => {
    const error = await readError('{"id":12345678901234567890,}\n', 'ndjson');
    expect(error.message).toBe('<stdin>, line 1, column 28: this line is not valid JSON: expected double-quoted property name');
  });
});

describe('JSON edge cases: deep nesting and keys that differ only by case', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  test.each([
    [
      'json',
      `[\n{"email":"a@example.com"},\n{"email":"b@example.com","p":${nested(100_000)}}\n]`,
      '<stdin>, line 3: element 2 of the array',
    ],
    ['ndjson', `{"email":"a@example.com"}\n{"email":"b@example.com","p":{"q":${nested(150)}}}\n`, '<stdin>, line 2: this line'],
  ] as const)('%s: nesting deeper than 100 levels is one input error naming where', async (format, text, where) => {
    const error = await readError(text, format);
    expect(error.message).toBe(`${where} nests arrays and objects more than 100 levels deep, deeper than a profile can hold`);
  });

  test('100 levels, and brackets inside strings, are fine', async () => {
    const { records } = await readText(`{"email":"a@example.com","p":${nested(99)},"s":"${'['.repeat(500)}"}\n`, 'ndjson');
    expect(records).toHaveLength(1);
  });

  test.each([
    ['json', '[{"email":"a@example.com","Email":"b@example.com"}]', '<stdin>, line 1: element 1 of the array'],
    [
      'ndjson',
      '{"email":"a@example.com"}\n{"Email":"b@example.com"}\n{"email":"c@example.com","EMAIL":"d@example.com"}\n',
      '<stdin>, line 3: this line',
    ],
  ] as const)('%s: keys that differ only by case in one object are reported', async (format, text, where) => {
    const error = await readError(text, format);
    expect(error.message).toMatch(
      new RegExp(`^${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has the keys "email" and "(Email|EMAIL)", which differ only by case`),
    );
  });

  test('objects that each spell a key their own way are read (the mapping matches names regardless of case)', async () => {
    const { segment, records } = await readText('{"email":"a@example.com"}\n{"Email":"b@example.com"}\n', 'ndjson');
    expect(records).toHaveLength(2);
    expect(segment.columns).toEqual(['email', 'Email']);
  });

  test('keys that look like personal data are masked in the message', async () => {
    const error = await readError('[{"email":"a@example.com","ann@example.com":1,"ANN@example.com":2}]', 'json');
    expect(error.message).toContain('has the keys "<email address>" and "<email address>"');
    expect(error.message).not.toMatch(/@example/);
  });
});
