import type { CountryCode } from 'libphonenumber-js/max';
import { UsageError } from '../errors.js';
import type { RecordToMap } from './map-record.js';
import { readConsentTime } from './consent-time.js';
import { CONSENT_VALUES_HINT, readConsentValue } from './consent-value.js';
import { readTextValue, NOT_TEXT } from './field-value.js';
import { readKeyPath } from './key-path.js';
import { findColumn, type ProfileMapping } from './mapping-spec.js';
import { normalizePhoneNumber } from './phone-number.js';

/**
 * `--subscribe` and its consent columns: which rows may be subscribed, on which channel. A row is
 * subscribed on a channel only when its own consent column says yes; there is no "everyone".
 */
export const SUBSCRIBE_CHANNELS = ['email', 'sms'] as const;
export type SubscribeChannel = (typeof SUBSCRIBE_CHANNELS)[number];

/** What the command line asked for, before it is checked against the file's columns. */
export interface ConsentRequest {
  readonly subscribe: readonly SubscribeChannel[];
  readonly emailConsentColumn?: string;
  readonly smsConsentColumn?: string;
  readonly consentedAtColumn?: string;
}

/** Checked against the file: every column exists, every channel asked for has its consent column. */
export interface ConsentMapping {
  readonly emailColumn?: string;
  readonly smsColumn?: string;
  readonly consentedAtColumn?: string;
}

/** `--subscribe email --subscribe sms` or `--subscribe email,sms`: the channels, each once. */
export function parseSubscribeChannels(values: readonly string[]): SubscribeChannel[] {
  const channels = new Set<SubscribeChannel>();
  for (const value of values.flatMap((text) => text.split(','))) {
    const channel = value.trim().toLowerCase();
    if (!(SUBSCRIBE_CHANNELS as readonly string[]).includes(channel)) {
      throw new UsageError(`--subscribe "${value.trim()}" is not a channel; use email, sms, or both (--subscribe email,sms).`);
    }
    channels.add(channel as SubscribeChannel);
  }
  return [...channels];
}

/**
 * Throws UsageError (exit 2) for a request that would subscribe rows without their consent. Needs
 * no file: run it before anything is read or sent. `maps` are the raw `--map` values; with
 * `mayMapPhoneByName` (the mapping by column names is on), whether the phone numbers are mapped
 * is only known from the file's columns: resolveConsentMapping checks it then.
 */
export function checkConsentRequest(
  request: ConsentRequest,
  maps: readonly string[],
  { mayMapPhoneByName = false }: { readonly mayMapPhoneByName?: boolean } = {},
): void {
  const wantsEmail = request.subscribe.includes('email');
  const wantsSms = request.subscribe.includes('sms');
  refuseUnusedColumn(request.emailConsentColumn, wantsEmail, '--email-consent-column', 'email');
  refuseUnusedColumn(request.smsConsentColumn, wantsSms, '--sms-consent-column', 'sms');
  if (request.consentedAtColumn !== undefined && !wantsEmail && !wantsSms) {
    throw new UsageError('--consented-at-column is only used with --subscribe; add --subscribe email or --subscribe sms, or leave it out.');
  }
  if (wantsEmail && request.emailConsentColumn === undefined) throw missingConsentColumn('email', '--email-consent-column');
  if (wantsSms && request.smsConsentColumn === undefined) throw missingConsentColumn('sms', '--sms-consent-column');
  if (wantsSms && !mayMapPhoneByName && !maps.some((map) => map.split('=')[0]?.trim() === 'phone_number')) {
    throw new UsageError('--subscribe sms needs the phone numbers: map their column with --map phone_number=<column>.');
  }
}

/** Checks the request (as checkConsentRequest) and finds its columns in the file; throws UsageError. */
export function resolveConsentMapping(
  columns: readonly string[],
  request: ConsentRequest,
  profileMapping: ProfileMapping,
  fileName: string,
): ConsentMapping | undefined {
  checkConsentRequest(
    request,
    profileMapping.fields.map((field) => `${field.target}=${field.column}`),
  );
  if (request.subscribe.length === 0) return undefined;
  const find = (column: string | undefined, option: string) =>
    column === undefined ? undefined : findColumn(columns, column, fileName, `given to ${option}`);
  return definedOnly({
    emailColumn: find(request.emailConsentColumn, '--email-consent-column'),
    smsColumn: find(request.smsConsentColumn, '--sms-consent-column'),
    consentedAtColumn: find(request.consentedAtColumn, '--consented-at-column'),
  });
}

function refuseUnusedColumn(column: string | undefined, isChannelAsked: boolean, option: string, channel: SubscribeChannel): void {
  if (column !== undefined && !isChannelAsked) {
    throw new UsageError(`${option} is only used with --subscribe ${channel}; add --subscribe ${channel}, or leave ${option} out.`);
  }
}

function missingConsentColumn(channel: SubscribeChannel, option: string): UsageError {
  return new UsageError(
    `--subscribe ${channel} needs ${option} <column>: only rows whose consent column says yes are subscribed, ` +
      'and without one nobody is taken to have consented.',
  );
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

export type ConsentRejectionReason = 'invalid_consent' | 'invalid_consented_at';

/** What a row says about consent. Holds the phone number (E.164) only when it is to be subscribed to SMS. */
export type RowConsent =
  | {
      kind: 'consent';
      email: boolean;
      sms: boolean;
      /** E.164, present when `sms`. */
      phoneNumber?: string;
      /** The row consented to SMS but has no valid phone number: SMS is not subscribed. */
      isSmsWithoutPhone: boolean;
      /** Present when the row gives a consent time (in the past). */
      consentedAtMs?: number;
    }
  | { kind: 'rejected'; reason: ConsentRejectionReason; detail: string };

/**
 * Compiles the consent mapping once; the returned function reads one record. `now` is the run's
 * start: a consent time after it is refused (Klaviyo takes a consent time only when it is past).
 */
export function createConsentReader(
  consent: ConsentMapping,
  profileMapping: ProfileMapping,
  now: number,
): (record: RecordToMap) => RowConsent {
  const phoneField = profileMapping.fields.find((field) => field.target === 'phone_number');
  const defaultCountry: CountryCode | undefined = profileMapping.defaultCountry;
  const consentDetail = (column: string, what: string) => `The consent column "${column}" holds ${what}; expected ${CONSENT_VALUES_HINT}.`;

  return function readConsent(record: RecordToMap): RowConsent {
    let email = false;
    let sms = false;
    for (const [column, channel] of [
      [consent.emailColumn, 'email'],
      [consent.smsColumn, 'sms'],
    ] as const) {
      if (column === undefined) continue;
      const value = readConsentValue(record.fields[column]);
      if (typeof value === 'object') return { kind: 'rejected', reason: 'invalid_consent', detail: consentDetail(column, value.invalid) };
      if (channel === 'email') email = value === 'yes';
      else sms = value === 'yes';
    }

    let consentedAtMs: number | undefined;
    if (consent.consentedAtColumn !== undefined && (email || sms)) {
      const time = readConsentTime(record.fields[consent.consentedAtColumn]);
      if (typeof time === 'object' && 'invalid' in time) {
        const detail = `The consent time column "${consent.consentedAtColumn}" holds ${time.invalid}.`;
        return { kind: 'rejected', reason: 'invalid_consented_at', detail };
      }
      if (typeof time === 'object') {
        if (time.epochMs > now) {
          const detail = `The consent time column "${consent.consentedAtColumn}" holds a time in the future.`;
          return { kind: 'rejected', reason: 'invalid_consented_at', detail };
        }
        consentedAtMs = time.epochMs;
      }
    }

    let phoneNumber: string | undefined;
    if (sms && phoneField !== undefined) {
      const text = readTextValue(
        phoneField.path === undefined ? record.fields[phoneField.column] : readKeyPath(record.fields, phoneField.path),
      );
      phoneNumber = text === undefined || text === NOT_TEXT ? undefined : normalizePhoneNumber(text, defaultCountry)?.e164;
    }
    const isSmsWithoutPhone = sms && phoneNumber === undefined;
    const result: RowConsent = { kind: 'consent', email, sms: sms && !isSmsWithoutPhone, isSmsWithoutPhone };
    if (phoneNumber !== undefined) result.phoneNumber = phoneNumber;
    if (consentedAtMs !== undefined) result.consentedAtMs = consentedAtMs;
    return result;
  };
}
