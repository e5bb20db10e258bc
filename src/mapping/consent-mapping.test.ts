import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError } from '../errors.js';
import {
  checkConsentRequest,
  createConsentReader,
  parseSubscribeChannels,
  resolveConsentMapping,
  type ConsentRequest,
} from './consent-mapping.js';
import { resolveMapping, type ProfileMapping } from './mapping-spec.js';

const COLUMNS = ['Email', 'Mobile', 'Accepts Email Marketing', 'SMS Opt In', 'Consented At'];
const EMAIL_ONLY: ProfileMapping = { emailColumn: 'Email', fields: [] };
const WITH_PHONE: ProfileMapping = { emailColumn: 'Email', fields: [{ target: 'phone_number', column: 'Mobile' }], defaultCountry: 'US' };
const NOW = Date.parse('2026-07-20T12:00:00Z');

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseSubscribeChannels', () => {
  it.each([
    [['email'], ['email']],
    [['sms'], ['sms']],
    [
      ['email', 'sms'],
      ['email', 'sms'],
    ],
    [['email,sms'], ['email', 'sms']],
    [[' SMS , email '], ['sms', 'email']],
    [['email', 'email'], ['email']],
  ])('reads %j', (values, expected) => {
    expect(parseSubscribeChannels(values)).toEqual(expected);
  });

  it('refuses an unknown channel, naming the valid ones', () => {
    expect(usageMessage(() => parseSubscribeChannels(['email,push']))).toBe(
      '--subscribe "push" is not a channel; use email, sms, or both (--subscribe email,sms).',
    );
  });
});

describe('resolveConsentMapping', () => {
  const resolve = (request: ConsentRequest, mapping: ProfileMapping = EMAIL_ONLY) =>
    resolveConsentMapping(COLUMNS, request, mapping, 'segment.csv');

  it('is undefined for a push without --subscribe: nobody is subscribed', () => {
    expect(resolve({ subscribe: [] })).toBeUndefined();
  });

  it('resolves the consent columns as the email column is resolved (case and spaces ignored)', () => {
    expect(
      resolve(
        {
          subscribe: ['email', 'sms'],
          emailConsentColumn: 'accepts email marketing',
          smsConsentColumn: 'SMS Opt In',
          consentedAtColumn: 'Consented At ',
        },
        WITH_PHONE,
      ),
    ).toEqual({ emailColumn: 'Accepts Email Marketing', smsColumn: 'SMS Opt In', consentedAtColumn: 'Consented At' });
  });

  it.each([
    [{ subscribe: ['email'] }, /^--subscribe email needs --email-consent-column <column>/],
    [
      { subscribe: ['sms'], smsConsentColumn: 'SMS Opt In' },
      /^--subscribe sms needs the phone numbers: map their column with --map phone_number=<column>/,
    ],
    [{ subscribe: ['email', 'sms'], emailConsentColumn: 'Accepts Email Marketing' }, /^--subscribe sms needs --sms-consent-column/],
    [{ subscribe: [], emailConsentColumn: 'Accepts Email Marketing' }, /^--email-consent-column is only used with --subscribe email/],
    [
      { subscribe: ['email'], emailConsentColumn: 'Accepts Email Marketing', smsConsentColumn: 'SMS Opt In' },
      /^--sms-consent-column is only used with --subscribe sms/,
    ],
    [{ subscribe: [], consentedAtColumn: 'Consented At' }, /^--consented-at-column is only used with --subscribe/],
    [{ subscribe: ['email'], emailConsentColumn: 'Opt In' }, /^Column "Opt In" given to --email-consent-column is not in segment.csv/],
  ] as [ConsentRequest, RegExp][])('refuses %j', (request, message) => {
    expect(usageMessage(() => resolve(request))).toMatch(message);
  });
});

describe('checkConsentRequest and the phone numbers mapped by name', () => {
  const sms: ConsentRequest = { subscribe: ['sms'], smsConsentColumn: 'SMS Opt In' };

  it('leaves the phone check to the file when a Phone-like column may be mapped by its name', () => {
    expect(() => checkConsentRequest(sms, [], { mayMapPhoneByName: true })).not.toThrow();
    expect(() => checkConsentRequest(sms, [])).toThrow(/needs the phone numbers/);
  });

  it('accepts a phone number column mapped by its name, and refuses a file without one', () => {
    const byName = resolveMapping(COLUMNS, { maps: [], mapsKnownColumns: true }, 'segment.csv');
    expect(byName.fields).toEqual([{ target: 'phone_number', column: 'Mobile', isDefault: true }]);
    expect(resolveConsentMapping(COLUMNS, sms, byName, 'segment.csv')).toEqual({ smsColumn: 'SMS Opt In' });
    const without = resolveMapping(['Email', 'SMS Opt In'], { maps: [], mapsKnownColumns: true }, 'segment.csv');
    expect(usageMessage(() => resolveConsentMapping(['Email', 'SMS Opt In'], sms, without, 'segment.csv'))).toMatch(
      /needs the phone numbers/,
    );
  });
});

describe('createConsentReader', () => {
  const both = { emailColumn: 'Accepts Email Marketing', smsColumn: 'SMS Opt In', consentedAtColumn: 'Consented At' };
  const read = (fields: Record<string, unknown>, consent = both) => createConsentReader(consent, WITH_PHONE, NOW)({ line: 7, fields });

  it.each([
    [
      { 'Accepts Email Marketing': 'yes', 'SMS Opt In': 'no' },
      { email: true, sms: false },
    ],
    [
      { 'Accepts Email Marketing': 'no', 'SMS Opt In': '' },
      { email: false, sms: false },
    ],
    [
      { 'Accepts Email Marketing': '', 'SMS Opt In': 'true', Mobile: '(415) 555-2671' },
      { email: false, sms: true, phoneNumber: '+14155552671' },
    ],
    [
      { 'Accepts Email Marketing': 'TRUE', 'SMS Opt In': 1, Mobile: '+44 7911 123456' },
      { email: true, sms: true, phoneNumber: '+447911123456' },
    ],
  ])('reads %j', (fields, expected) => {
    expect(read(fields)).toEqual({ kind: 'consent', isSmsWithoutPhone: false, ...expected });
  });

  it('does not subscribe SMS for a row without a valid phone number, and says so', () => {
    expect(read({ 'Accepts Email Marketing': 'yes', 'SMS Opt In': 'yes', Mobile: '12' })).toEqual({
      kind: 'consent',
      email: true,
      sms: false,
      isSmsWithoutPhone: true,
    });
  });

  it('keeps a past consent time, in epoch milliseconds', () => {
    expect(read({ 'Accepts Email Marketing': 'yes', 'Consented At': '2024-03-05 14:30' })).toMatchObject({
      email: true,
      consentedAtMs: Date.parse('2024-03-05T14:30:00Z'),
    });
  });

  it('rejects a value it cannot read as yes or no, naming the column and not the value', () => {
    expect(read({ 'Accepts Email Marketing': 'pending' })).toEqual({
      kind: 'rejected',
      reason: 'invalid_consent',
      detail:
        'The consent column "Accepts Email Marketing" holds a value that is neither yes nor no; expected yes/no, y/n, true/false, 1/0, subscribed/unsubscribed, or blank for no.',
    });
  });

  it.each([
    ['03/05/2024', 'a date whose day and month cannot be told apart (write it as YYYY-MM-DD)'],
    ['2026-07-21', 'a time in the future'],
    ['soon', 'a value that is not a date'],
  ])('rejects a consenting row whose consent time is %j', (value, what) => {
    expect(read({ 'Accepts Email Marketing': 'yes', 'Consented At': value })).toEqual({
      kind: 'rejected',
      reason: 'invalid_consented_at',
      detail: `The consent time column "Consented At" holds ${what}.`,
    });
  });

  it('ignores the consent time of a row that consents to nothing', () => {
    expect(read({ 'Accepts Email Marketing': 'no', 'Consented At': 'soon' })).toEqual({
      kind: 'consent',
      email: false,
      sms: false,
      isSmsWithoutPhone: false,
    });
  });
});
