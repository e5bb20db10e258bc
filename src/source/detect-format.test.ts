import { expect, test } from 'vitest';
import { detectDelimiter, findHeaderLine, readSeparatorLine } from './delimiter-detection.js';
import { detectFormat } from './detect-format.js';

test.each([
  ['segment.csv', 'csv'],
  ['segment.TSV', 'csv'],
  ['export.txt', 'csv'],
  ['/data/profiles.json', 'json'],
  ['profiles.ndjson', 'ndjson'],
  ['profiles.jsonl', 'ndjson'],
  ['profiles.jsonlines', 'ndjson'],
  ['segment.xlsx', undefined],
  ['segment', undefined],
  ['-', undefined],
])('detectFormat(%j) is %j', (path, format) => {
  expect(detectFormat(path)).toBe(format);
});

test.each([
  ['a,b,c', ','],
  ['a;b;c', ';'],
  ['a\tb\tc', '\t'],
  ['a|b|c', '|'],
  ['"x;y;z",b,c', ','],
  ['a;b,c', ','],
  ['a,b;c;d', ';'],
  ['single', ','],
])('detectDelimiter(%j) is %j', (header, delimiter) => {
  expect(detectDelimiter(Buffer.from(header))).toBe(delimiter);
});

test.each([
  ['a,b\nc,d', 'a,b'],
  ['\r\n\na;b\r\n1;2', 'a;b'],
  ['"multi\nline",b\n1,2', '"multi\nline",b'],
  ['a,b', undefined],
  ['"open\n', undefined],
  ['  \n\t\r\n\ta;b\n', '\ta;b'],
  ['   \n', undefined],
])('findHeaderLine(%j) is %j', (bytes, line) => {
  expect(findHeaderLine(Buffer.from(bytes))?.toString()).toBe(line);
});

test.each([
  ['sep=;\r\nemail;name', ';'],
  ['sep=\t\n', '\t'],
  ['Sep=|', '|'],
  ['sep=,\r', ','],
  ['sep=:\n', undefined],
  ['sep=;;\n', undefined],
  ['sep=', undefined],
  ['email,sep\n', undefined],
])('readSeparatorLine(%j) is %j', (bytes, delimiter) => {
  expect(readSeparatorLine(Buffer.from(bytes))).toBe(delimiter);
});
