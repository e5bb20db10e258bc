import { describe, expect, it } from 'vitest';
import { readConsentValue } from './consent-value.js';

describe('readConsentValue', () => {
  it.each([
    ['yes', 'yes'],
    ['Yes', 'yes'],
    [' YES ', 'yes'],
    ['y', 'yes'],
    ['true', 'yes'],
    ['TRUE', 'yes'],
    ['1', 'yes'],
    ['subscribed', 'yes'],
    ['Subscribed', 'yes'],
    [true, 'yes'],
    [1, 'yes'],
    ['no', 'no'],
    ['No', 'no'],
    ['n', 'no'],
    ['false', 'no'],
    ['0', 'no'],
    ['unsubscribed', 'no'],
    ['not subscribed', 'no'],
    ['', 'no'],
    ['   ', 'no'],
    ['NULL', 'no'],
    ['N/A', 'no'],
    [false, 'no'],
    [0, 'no'],
    [null, 'no'],
    [undefined, 'no'],
  ] as const)('reads %j as %s', (raw, expected) => {
    expect(readConsentValue(raw)).toBe(expected);
  });

  it.each([['pending'], ['maybe'], ['2'], ['yes please'], ['ja'], [2], [-1], [['yes']], [{ email: 'yes' }]])(
    'refuses to guess what %j means',
    (raw) => {
      expect(readConsentValue(raw)).toHaveProperty('invalid');
    },
  );

  it('never puts the value into its description', () => {
    const result = readConsentValue('ann@example.com');
    expect(JSON.stringify(result)).not.toContain('ann');
  });
});
