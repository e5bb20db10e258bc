import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { InputFileError, UsageError } from '../errors.js';
import { openSegment } from './open-segment.js';
import type { SegmentFormat, SourceRecord } from './source-record.js';

/** Reads `content` from standard input in chunks of `chunkSize` bytes (default: whole). */
async function read(content: string, options: { jsonArrayPath?: string[]; format?: SegmentFormat; chunkSize?: number } = {}) {
  const bytes = Buffer.from(content);
  const size = options.chunkSize ?? bytes.length;
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  const segment = await openSegment({
    input: '-',
    format: options.format,
    jsonArrayPath: options.jsonArrayPath,
    stdin: Readable.from(chunks, { objectMode: false }),
  });
  const records: SourceRecord[] = [];
  for await (const record of segment.records) records.push(record);
  return { format: segment.format, records };
}

const DATA =
  '{"data": [\n  {"email": "a@example.com"},\n  {"email": "b@example.com"}\n],\n "links": {"next": "x]}"}, "meta": {"count": 2}}';
const NESTED =
  '{"data": {"note": "not this"}, "response": {"status": "ok", "customers": [\n{"email": "a@example.com"}\n], "more": [1]}, "customers": []}';

describe('JSON: the array of profiles inside objects', () => {
  test.each([1, 3, 64])(
    'reads a {"data": [...]} wrapper, told apart from NDJSON on standard input (chunks of %i bytes)',
    async (chunkSize) => {
      const { format, records } = await read(DATA, { chunkSize });
      expect(format).toBe('json');
      expect(records).toEqual([
        { line: 2, index: 0, fields: { email: 'a@example.com' } },
        { line: 3, index: 1, fields: { email: 'b@example.com' } },
      ]);
    },
  );

  test('reads "data" after other members in a file named as JSON', async () => {
    const { records } = await read('{"links": {"next": null},\n "data": [{"email": "a@example.com"}]}', { format: 'json', chunkSize: 2 });
    expect(records).toEqual([{ line: 2, index: 0, fields: { email: 'a@example.com' } }]);
  });

  test.each([1, 7, 512])('reads the array --json-path names, skipping everything else (chunks of %i bytes)', async (chunkSize) => {
    const { format, records } = await read(NESTED, { jsonArrayPath: ['response', 'customers'], chunkSize });
    expect(format).toBe('json');
    expect(records).toEqual([{ line: 2, index: 0, fields: { email: 'a@example.com' } }]);
  });

  test('reads a key with a dot in it', async () => {
    const { records } = await read('{"v1.items": [{"email": "a@example.com"}]}', { jsonArrayPath: ['v1.items'] });
    expect(records).toHaveLength(1);
  });

  test.each([
    [NESTED, ['response', 'clients'], '<stdin>, line 1: the file has no array at "response.clients" (--json-path)'],
    [NESTED, ['response', 'status', 'x'], '<stdin>, line 1: "status" must be an object holding "response.status.x" (--json-path)'],
    [NESTED, ['response', 'status'], '<stdin>, line 1: "status" must be an array of objects'],
    [
      '[{"email": "a@example.com"}]',
      ['data'],
      '<stdin>, line 1: the file is an array, not an object holding "data": leave --json-path out',
    ],
    [
      '{"a": [1],\n "a": [2]}',
      ['a'],
      '<stdin>, line 2: a second array of profiles ("a") starts here; name the one to read with --json-path',
    ],
    ['{"a": {"b": [', ['a', 'b'], '<stdin>, line 1: the file ends before the JSON array is closed (is it truncated?)'],
    ['{"a": [{"email": "a@example.com"}, 7]}', ['a'], '<stdin>, line 1: element 2 of the array is a number, not an object'],
  ])('%j with --json-path %j: %s', async (content, jsonArrayPath, message) => {
    const error: unknown = await read(content, { jsonArrayPath }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(message);
  });

  test('refuses --json-path for a file that is not JSON', async () => {
    await expect(read('email\na@example.com\n', { jsonArrayPath: ['data'], format: 'csv' })).rejects.toThrow(UsageError);
    await expect(read('email\na@example.com\n', { jsonArrayPath: ['data'], format: 'csv' })).rejects.toThrow(
      '--json-path is for JSON files; <stdin> is CSV.',
    );
  });
});
