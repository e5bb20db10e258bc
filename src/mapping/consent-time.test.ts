import { describe, expect, it } from 'vitest';
import { readConsentTime } from './consent-time.js';

const at = (iso: string) => ({ epochMs: Date.parse(iso) });

describe('readConsentTime', () => {
  it.each([
    ['2024-03-05', '2024-03-05T00:00:00Z'],
    ['2024-03-05T14:30:00Z', '2024-03-05T14:30:00Z'],
    ['2024-03-05T14:30:00.123456Z', '2024-03-05T14:30:00.123Z'],
    ['2024-03-05T14:30:00+02:00', '2024-03-05T12:30:00Z'],
    ['2024-03-05T14:30:00-0500', '2024-03-05T19:30:00Z'],
    ['2024-03-05T14:30:00.000000+00:00', '2024-03-05T14:30:00Z'],
    ['2024-03-05 14:30:00', '2024-03-05T14:30:00Z'],
    ['2024-03-05 14:30', '2024-03-05T14:30:00Z'],
    ['2024-03-05 14:30:00 UTC', '2024-03-05T14:30:00Z'],
    ['2024-3-5', '2024-03-05T00:00:00Z'],
    ['2024/03/05 09:15', '2024-03-05T09:15:00Z'],
    ['05.03.2024', '2024-03-05T00:00:00Z'],
    ['05.03.2024 14:30', '2024-03-05T14:30:00Z'],
    ['25/03/2024', '2024-03-25T00:00:00Z'],
    ['03/25/2024', '2024-03-25T00:00:00Z'],
    ['03/25/2024 2:30 PM', '2024-03-25T14:30:00Z'],
    ['03/25/2024 12:05 am', '2024-03-25T00:05:00Z'],
    ['04/04/2024', '2024-04-04T00:00:00Z'],
    ['1709649000', '2024-03-05T14:30:00Z'],
    ['1709649000000', '2024-03-05T14:30:00Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
  ])('reads %j', (raw, iso) => {
    expect(readConsentTime(raw)).toEqual(at(iso));
  });

  it('reads Unix time given as a JSON number', () => {
    expect(readConsentTime(1709649000)).toEqual(at('2024-03-05T14:30:00Z'));
    expect(readConsentTime(1709649000000)).toEqual(at('2024-03-05T14:30:00Z'));
  });

  it.each([[''], ['  '], ['NULL'], ['n/a'], [null], [undefined]])('takes %j for no consent time', (raw) => {
    expect(readConsentTime(raw)).toBe('blank');
  });

  it.each([
    ['03/05/2024', 'cannot be told apart'],
    ['2023-02-29', 'does not exist'],
    ['2024-13-01', 'does not exist'],
    ['2024-04-31', 'does not exist'],
    ['2024-03-05 25:00', 'does not exist'],
    ['2024-03-05 13:00 PM', 'does not exist'],
    ['2024-03-05T10:00+15:00', 'does not exist'],
    ['31/31/2024', 'does not exist'],
    ['yesterday', 'not a date'],
    ['2024', 'not a date'],
    ['Tue March 5', 'not a date'],
    ['12345', 'not a date'],
    [12.5, 'not a date'],
    [true, 'not a date'],
  ])('refuses %j (%s)', (raw, why) => {
    const result = readConsentTime(raw);
    expect(result).toHaveProperty('invalid');
    expect((result as { invalid: string }).invalid).toContain(why);
  });
});
