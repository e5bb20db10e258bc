import { describe, expect, it } from 'vitest';
import { kindOfValue, PropertyColumnType, typedJson, type SettledType } from './property-types.js';

function settle(values: readonly string[]): { settled: SettledType; rooms: (number | undefined)[] } {
  const column = new PropertyColumnType();
  const rooms = values.map((value) => column.observe(value));
  return { settled: column.type, rooms };
}

describe('kindOfValue', () => {
  it.each([
    ['12', 'number'],
    ['-3.25', 'number'],
    ['0', 'number'],
    ['1e3', 'number'],
    ['9007199254740991', 'number'],
    ['9007199254740993', 'text'], // past 2^53: another number once parsed
    ['007', 'text'], // a ZIP code or an id
    ['1,5', 'text'],
    ['+5', 'text'],
    ['1 234', 'text'],
    ['true', 'boolean'],
    ['FALSE', 'boolean'],
    ['Yes', 'boolean'],
    ['no', 'boolean'],
    ['y', 'text'],
    ['2024-03-25', 'date'],
    ['2024-02-29', 'date'],
    ['2023-02-29', 'text'],
    ['2024-13-01', 'text'],
    ['2024/03/25', 'date'],
    ['2024-03-25 14:30', 'date'],
    ['2024-03-25T14:30:15.250Z', 'date'],
    ['2024-03-25T14:30:15+0200', 'date'],
    ['2024-03-25T25:00', 'text'],
    ['03/25/2024', 'date'],
    ['25/03/2024', 'date'],
    ['13/13/2024', 'text'],
    ['25.03.2024', 'date'],
    ['03/25/24', 'text'],
    ['NULL', 'no-value'],
    ['n/a', 'no-value'],
    ['-', 'no-value'],
    ['gold', 'text'],
  ])('%j is %s', (text, kind) => {
    expect(kindOfValue(text)).toBe(kind);
  });
});

describe('PropertyColumnType: the whole column decides', () => {
  it.each([
    ['numbers', ['12', '0', '-3.5'], { type: 'number' }],
    ['booleans of both spellings', ['yes', 'No', 'true'], { type: 'boolean' }],
    ['ISO dates and times', ['2024-03-25', '2024-03-25T14:30:00Z'], { type: 'date', isDayFirst: false }],
    ['month-first slash dates, told by one', ['03/05/2024', '03/25/2024'], { type: 'date', isDayFirst: false }],
    ['day-first slash dates, told by one', ['03/05/2024', '25/03/2024'], { type: 'date', isDayFirst: true }],
    ['slash dates no value tells the order of', ['03/05/2024', '04/06/2024'], { type: 'text' }],
    ['slash dates that fit neither order together', ['25/03/2024', '03/25/2024'], { type: 'text' }],
    ['one text value among numbers', ['12', '13', 'twelve'], { type: 'text' }],
    ['numbers and dates', ['2024', '2024-03-25'], { type: 'text' }],
    ['numbers with no-value markers', ['12', 'NULL', 'N/A', '13'], { type: 'number' }],
    ['no-value markers only', ['NULL', 'n/a'], { type: 'text' }],
    ['a leading zero among numbers', ['12', '01234'], { type: 'text' }],
  ])('%s', (_case, values, expected) => {
    expect(settle(values).settled).toEqual(expected);
  });

  it('stops keeping room once the column is text: later values are written as text at once', () => {
    expect(settle(['12', 'twelve', '13']).rooms).toEqual([4, undefined, undefined]);
  });

  it('keeps room for the longest JSON a value may settle to', () => {
    // "12" quoted is 4 bytes, a number 2; "no" is 4 quoted, false 5; 3/5/2024 becomes "2024-03-05", 12 bytes.
    expect(settle(['12']).rooms).toEqual([4]);
    expect(settle(['no', 'true']).rooms).toEqual([5, 6]);
    expect(settle(['3/5/2024', '2024-03-25 14:30']).rooms).toEqual([12, 21]);
  });
});

describe('typedJson', () => {
  it.each([
    ['12', { type: 'number' }, '12'],
    ['-3.50', { type: 'number' }, '-3.50'],
    ['Yes', { type: 'boolean' }, 'true'],
    ['no', { type: 'boolean' }, 'false'],
    ['2024-03-25', { type: 'date', isDayFirst: false }, '"2024-03-25"'],
    ['2024/3/5 9:05', { type: 'date', isDayFirst: false }, '"2024-03-05T09:05:00"'],
    ['2024-03-25T14:30:15.250+0200', { type: 'date', isDayFirst: false }, '"2024-03-25T14:30:15.250+02:00"'],
    ['3/5/2024', { type: 'date', isDayFirst: false }, '"2024-03-05"'],
    ['3/5/2024', { type: 'date', isDayFirst: true }, '"2024-05-03"'],
    ['25.03.2024 14:30:15', { type: 'date', isDayFirst: false }, '"2024-03-25T14:30:15"'],
    ['NULL', { type: 'number' }, undefined],
    ['NULL', { type: 'text' }, '"NULL"'],
    ['12', { type: 'text' }, '"12"'],
  ] as const)('%j as %j is %s', (text, settled, json) => {
    expect(typedJson(text, settled)).toBe(json);
  });
});
