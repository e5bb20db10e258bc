import { describe, expect, test } from 'vitest';
import { parseJsonExact, quoteUnsafeIntegers } from './exact-json.js';

describe('integers beyond Number.MAX_SAFE_INTEGER keep their exact digits', () => {
  test('a large id becomes its decimal text', () => {
    expect(parseJsonExact('{"email":"ann@example.com","id":12345678901234567890}')).toEqual({
      email: 'ann@example.com',
      id: '12345678901234567890',
    });
  });

  test.each([
    ['negative', '[-12345678901234567890, -9007199254740992]', ['-12345678901234567890', '-9007199254740992']],
    ['the largest safe integers stay numbers', '[9007199254740991, -9007199254740991]', [9007199254740991, -9007199254740991]],
    ['just beyond', '[9007199254740992]', ['9007199254740992']],
    ['nested objects and arrays', '{"a":{"b":[1,{"c":98765432109876543210}]}}', { a: { b: [1, { c: '98765432109876543210' }] } }],
    [
      'digits inside strings are untouched',
      '{"s":"12345678901234567890","t":"x\\"12345678901234567890"}',
      { s: '12345678901234567890', t: 'x"12345678901234567890' },
    ],
    [
      'decimals and exponents stay numbers',
      '[12345678901234567890.5, 12345678901234567890e2, 1e-12345678901234567]',
      [Number('12345678901234567890.5'), Number('12345678901234567890e2'), 0],
    ],
    ['a key that is digits', '{"12345678901234567890":12345678901234567890}', { '12345678901234567890': '12345678901234567890' }],
  ])('%s', (_, text, value) => {
    expect(parseJsonExact(text)).toEqual(value);
  });

  test('text without a long digit run is returned as is', () => {
    const text = '{"a":"123","b":-4.5e3}';
    expect(quoteUnsafeIntegers(text)).toBe(text);
  });

  test('invalid JSON is refused with the position in the text as written', () => {
    expect(() => parseJsonExact('{"id":12345678901234567890,}')).toThrow(/position 27/);
    expect(() => parseJsonExact('{"id":00012345678901234567890}')).toThrow(SyntaxError);
  });
});
