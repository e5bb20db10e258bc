import { describe, expect, it } from 'vitest';
import { parseFilter, parsePage } from './query-params.js';

const LIST_FILTERS = { name: ['any', 'equals'], id: ['any', 'equals'] };

describe('parseFilter', () => {
  it.each([
    ['equals(name,"Newsletter")', { field: 'name', values: ['Newsletter'] }],
    ["equals(name,'VIP, \"gold\"')", { field: 'name', values: ['VIP, "gold"'] }],
    ['equals(name,"say \\"hi\\"")', { field: 'name', values: ['say "hi"'] }],
    ['any(id,["a","b"])', { field: 'id', values: ['a', 'b'] }],
  ])('parses %s', (text, expected) => {
    expect(parseFilter(text, LIST_FILTERS)).toEqual(expected);
  });

  it.each(['contains(name,"x")', 'equals(created,"2024-01-01")', 'equals(name,x)', 'name=x'])('answers 400 to %s', (text) => {
    expect(parseFilter(text, LIST_FILTERS)).toMatchObject({ status: 400 });
  });
});

describe('parsePage', () => {
  it('defaults, bounds and decodes its own cursors', () => {
    expect(parsePage(new URLSearchParams(), 20, 100)).toEqual({ offset: 0, size: 20 });
    expect(parsePage(new URLSearchParams('page[size]=0'), 20, 100)).toMatchObject({ status: 400 });
    expect(parsePage(new URLSearchParams('page[size]=2.5'), 20, 100)).toMatchObject({ status: 400 });
    expect(parsePage(new URLSearchParams('page[cursor]=garbage'), 20, 100)).toMatchObject({ status: 400 });
    const cursor = Buffer.from('offset:40').toString('base64url');
    expect(parsePage(new URLSearchParams(`page[cursor]=${cursor}&page[size]=5`), 20, 100)).toEqual({ offset: 40, size: 5 });
  });
});
