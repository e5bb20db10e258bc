import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { InputFileError, UsageError } from '../errors.js';
import { openSegment } from './open-segment.js';
import type { SegmentFormat, SourceRecord } from './source-record.js';
import { looksLikeWindows1252, resolveEncoding } from './text-encoding.js';

/** Serves `bytes` as stdin in chunks of `chunkSize` bytes, to cross every chunk boundary. */
function stdinOf(bytes: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

async function read(bytes: Buffer, options: { format?: SegmentFormat; encoding?: string; chunkSize?: number } = {}) {
  const segment = await openSegment({
    input: '-',
    format: options.format,
    encoding: options.encoding,
    stdin: stdinOf(bytes, options.chunkSize ?? 65536),
  });
  const records: SourceRecord[] = [];
  for await (const record of segment.records) records.push(record);
  return { segment, records };
}

async function readError(bytes: Buffer, options: { format?: SegmentFormat; encoding?: string; chunkSize?: number } = {}) {
  const error = await read(bytes, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

const TAB_TEXT = '\uFEFFemail\tname\r\nann@example.com\tZoë Müller\r\n\r\nbob@example.com\t李\r\n';
const CHUNK_SIZES = [1, 3, 7, 65536];

describe('UTF-16 with a byte order mark is decoded without any option', () => {
  test.each(CHUNK_SIZES)('little-endian, in chunks of %i bytes: values, columns and lines as in an editor', async (chunkSize) => {
    const { segment, records } = await read(Buffer.from(TAB_TEXT, 'utf16le'), { format: 'csv', chunkSize });
    expect(segment.columns).toEqual(['email', 'name']);
    expect(records).toEqual([
      { line: 2, fields: { email: 'ann@example.com', name: 'Zoë Müller' } },
      { line: 4, fields: { email: 'bob@example.com', name: '李' } },
    ]);
  });

  test.each(CHUNK_SIZES)('big-endian, in chunks of %i bytes', async (chunkSize) => {
    const { records } = await read(utf16be(TAB_TEXT), { format: 'csv', chunkSize });
    expect(records.map((record) => record.fields.name)).toEqual(['Zoë Müller', '李']);
  });

  test('the digest is of the bytes as read, not of their UTF-8 text', async () => {
    const bytes = Buffer.from(TAB_TEXT, 'utf16le');
    const { segment } = await read(bytes, { format: 'csv' });
    expect(segment.contentDigest()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  test('standard input in UTF-16 is told JSON or NDJSON by its first characters, and read', async () => {
    const json = await read(Buffer.from('\uFEFF[{"email":"ann@example.com","name":"Zoë"}]', 'utf16le'));
    expect(json.segment.format).toBe('json');
    expect(json.records).toEqual([{ line: 1, index: 0, fields: { email: 'ann@example.com', name: 'Zoë' } }]);
    const ndjson = await read(utf16be('\uFEFF{"email":"ann@example.com"}\n\n{"email":"bob@example.com"}\n'), { chunkSize: 5 });
    expect(ndjson.segment.format).toBe('ndjson');
    expect(ndjson.records.map((record) => record.line)).toEqual([1, 3]);
  });

  test('a UTF-16 file cut in the middle of a character', async () => {
    const bytes = Buffer.from('\uFEFFemail\nann@example.com', 'utf16le');
    const error = await readError(bytes.subarray(0, bytes.length - 1), { format: 'csv' });
    expect(error.message).toBe("<stdin>, line 2: these bytes are not valid utf-16le; is --encoding utf-16le the file's encoding?");
  });
});

describe('--encoding', () => {
  const german = Buffer.from('E-Mail;Name\r\nanna@example.de;M\xfcller \x80 \x84Zitat\x93\r\n', 'latin1');

  test.each(CHUNK_SIZES)('windows-1252, in chunks of %i bytes: ü, € and curly quotes', async (chunkSize) => {
    const { records } = await read(german, { format: 'csv', encoding: 'windows-1252', chunkSize });
    expect(records).toEqual([{ line: 2, fields: { 'E-Mail': 'anna@example.de', Name: 'Müller € „Zitat“' } }]);
  });

  test('labels are the WHATWG ones Node knows: latin1 is windows-1252, iso-8859-15 has € at 0xA4', async () => {
    expect(resolveEncoding('latin1')).toBe('windows-1252');
    expect(resolveEncoding(' UTF8 ')).toBe('utf-8');
    const { records } = await read(Buffer.from('email,price\na@example.com,5 \xa4\n', 'latin1'), {
      format: 'csv',
      encoding: 'ISO-8859-15',
    });
    expect(records[0]?.fields.price).toBe('5 €');
  });

  test('shift_jis, split between the two bytes of a character; JSON and NDJSON take it too', async () => {
    const name = Buffer.from([0x93, 0x63, 0x92, 0x86]); // 田中
    const csv = Buffer.concat([Buffer.from('email,name\na@example.com,'), name, Buffer.from('\n')]);
    expect((await read(csv, { format: 'csv', encoding: 'shift_jis', chunkSize: 1 })).records[0]?.fields.name).toBe('田中');
    const json = Buffer.concat([Buffer.from('[{"email":"a@example.com","name":"'), name, Buffer.from('"}]')]);
    expect((await read(json, { format: 'json', encoding: 'shift_jis', chunkSize: 3 })).records[0]?.fields.name).toBe('田中');
    const ndjson = Buffer.concat([Buffer.from('\n{"email":"a@example.com","name":"'), name, Buffer.from('"}\n')]);
    const read3 = await read(ndjson, { format: 'ndjson', encoding: 'shift_jis' });
    expect(read3.records).toEqual([{ line: 2, fields: { email: 'a@example.com', name: '田中' } }]);
  });

  test('bytes the named encoding cannot decode stop the read at their line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('email,name\na@example.com,ok\nb@example.com,'),
      Buffer.from([0x82, 0x20]),
      Buffer.from('\n'),
    ]);
    const error = await readError(bytes, { format: 'csv', encoding: 'shift_jis' });
    expect(error.message).toBe("<stdin>, line 3: these bytes are not valid shift_jis; is --encoding shift_jis the file's encoding?");
  });

  test('an encoding Node does not know is a usage error naming the option', async () => {
    const error = await openSegment({ input: '-', encoding: 'klingon', stdin: stdinOf(Buffer.from('email\n'), 10) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^--encoding "klingon" is not an encoding Node\.js knows/);
  });
});

describe('invalid UTF-8 without --encoding', () => {
  test.each([1, 65536])(
    'names the line and byte column and, for Windows-1252 text, suggests it (chunks of %i bytes)',
    async (chunkSize) => {
      const bytes = Buffer.from('email;name\r\nanna@example.de;M\xfcller\r\n', 'latin1');
      const error = await readError(bytes, { format: 'csv', chunkSize });
      expect(error.message).toBe(
        '<stdin>, line 2, column 18: the byte 0xFC is not valid UTF-8; it looks like Windows-1252 (Excel on Windows): pass --encoding windows-1252, or save the file as UTF-8',
      );
    },
  );

  test('bytes that are not Windows-1252 text either get the general advice', async () => {
    const error = await readError(Buffer.from([0x65, 0x0a, 0x61, 0x81, 0x0a]), { format: 'csv' });
    expect(error.message).toBe(
      '<stdin>, line 2, column 2: the byte 0x81 is not valid UTF-8; save the file as UTF-8, or name its encoding with --encoding',
    );
  });

  test('looksLikeWindows1252', () => {
    expect(looksLikeWindows1252(Buffer.from('M\xfcller \x80', 'latin1'))).toBe(true);
    expect(looksLikeWindows1252(Buffer.from('plain ascii'))).toBe(false);
    expect(looksLikeWindows1252(Buffer.from([0x41, 0x8d]))).toBe(false);
    expect(looksLikeWindows1252(Buffer.from([0xe9, 0x01]))).toBe(false);
  });
});
