import { describe, expect, it } from 'vitest';
import { parseApiErrors, profileIndexFromPointer } from './api-errors.js';

describe('profileIndexFromPointer', () => {
  it.each([
    ['/data/attributes/profiles/data/12/attributes/email', 12],
    ['/data/attributes/profiles/data/0', 0],
    ['/data/attributes/profiles/data/3/attributes/properties/x', 3],
    ['/data/relationships/lists', undefined],
    ['/data/attributes/profiles/data/x/attributes', undefined],
    ['/data/attributes/profiles/data/12abc', undefined],
    [undefined, undefined],
  ])('%s -> %s', (pointer, index) => {
    expect(profileIndexFromPointer(pointer)).toBe(index);
  });
});

describe('parseApiErrors', () => {
  it('reads a JSON:API error document', () => {
    const body = JSON.stringify({
      errors: [
        {
          id: 'e1',
          status: 400,
          code: 'invalid',
          title: 'Invalid input.',
          detail: "'colour' is not a valid field for the resource 'profile'.",
          source: { pointer: '/data/attributes/profiles/data/4/attributes/colour' },
          meta: {},
        },
        { status: '400', code: 'invalid', source: { parameter: 'filter' } },
      ],
    });
    expect(parseApiErrors(body)).toEqual([
      {
        status: '400',
        code: 'invalid',
        title: 'Invalid input.',
        detail: "'colour' is not a valid field for the resource 'profile'.",
        pointer: '/data/attributes/profiles/data/4/attributes/colour',
      },
      { status: '400', code: 'invalid', parameter: 'filter' },
    ]);
  });

  it.each([
    ['an HTML page from the CDN', '<html><body>502 Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['JSON without errors', '{"data":[]}'],
  ])('gives no errors for %s', (_label, body) => {
    expect(parseApiErrors(body)).toEqual([]);
  });
});
