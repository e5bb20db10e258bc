import type { CountryCode } from 'libphonenumber-js/max';
import { serializeProfileResource } from '../klaviyo/profile-import-payload.js';
import type { SourceRecord } from '../source/source-record.js';
import { NOT_TEXT, readPropertyValue, readTextValue, type PropertyValue } from './field-value.js';
import type { LocationFieldName, MappingTarget, ProfileFieldName, ProfileMapping } from './mapping-spec.js';
import { normalizePhoneNumber } from './phone-number.js';
import {
  MAX_PROFILE_BYTES,
  profileAttributesSchema,
  type ProfileAttributes,
  type ProfileLocation,
} from './profile-schema.js';

export type RejectionReason = 'blank_email' | 'invalid_email' | 'profile_too_large';

/** Something left out of a profile that was still sent. Never holds a value from the file. */
export interface RowWarning {
  line: number;
  field: string;
  message: string;
}

export type MapOutcome =
  | {
      kind: 'profile';
      line: number;
      /** Trimmed, case as given. */
      email: string;
      /** Lower-cased email: Klaviyo treats addresses case-insensitively. */
      dedupeKey: string;
      attributes: ProfileAttributes;
      /** `{"type":"profile","attributes":{...}}`, serialised once for batching by bytes. */
      resource: string;
      warnings: readonly RowWarning[];
    }
  | {
      kind: 'rejected';
      line: number;
      reason: RejectionReason;
      /** One sentence without personal data: it goes to CI logs. */
      detail: string;
    };

type TextFieldName = Exclude<ProfileFieldName, 'phone_number' | 'image'>;

/** One `--map`, compiled once per run so that mapping a row is a loop over plain data. */
type CompiledField = { column: string; target: MappingTarget } & (
  | { kind: 'text'; name: TextFieldName }
  | { kind: 'phone' }
  | { kind: 'image' }
  | { kind: 'location'; name: LocationFieldName }
  | { kind: 'property'; name: string }
);

const NO_WARNINGS: readonly RowWarning[] = Object.freeze([]);

/**
 * Each value is checked by its own part of the schema where it is built, instead of parsing the
 * finished profile: with the 8 fields of `npm run bench:read`, a whole-profile `safeParse` more
 * than doubled the cost of mapping a row. What the parts do not check holds by construction:
 * text is trimmed and non-empty (readTextValue), targets are schema keys (MappingTarget) and
 * libphonenumber returns E.164. The tests parse every kind of mapped profile with the full schema.
 */
const emailSchema = profileAttributesSchema.shape.email;
const imageSchema = profileAttributesSchema.shape.image;

/** Compiles `mapping` once; the returned function maps one record to exactly one outcome. */
export function createRecordMapper(mapping: ProfileMapping): (record: SourceRecord) => MapOutcome {
  const { emailColumn, defaultCountry } = mapping;
  const fields = mapping.fields.map(compileField);
  const blankEmailDetail = `The email column "${emailColumn}" is empty.`;
  const invalidEmailDetail = `The email column "${emailColumn}" does not hold a valid email address.`;

  return function mapRecord(record: SourceRecord): MapOutcome {
    const { line } = record;
    const email = readTextValue(record.fields[emailColumn]);
    if (email === undefined) return { kind: 'rejected', line, reason: 'blank_email', detail: blankEmailDetail };
    if (email === NOT_TEXT || !emailSchema.safeParse(email).success) {
      return { kind: 'rejected', line, reason: 'invalid_email', detail: invalidEmailDetail };
    }

    const attributes: ProfileAttributes = { email };
    const warnings = fields.length === 0 ? NO_WARNINGS : addMappedFields(attributes, record, fields, defaultCountry);
    const resource = serializeProfileResource(attributes);
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so most rows skip counting bytes exactly.
    if (resource.length * 3 > MAX_PROFILE_BYTES) {
      const bytes = Buffer.byteLength(resource, 'utf8');
      if (bytes > MAX_PROFILE_BYTES) {
        return {
          kind: 'rejected',
          line,
          reason: 'profile_too_large',
          detail: `The profile is ${bytes} bytes as JSON; Klaviyo accepts at most ${MAX_PROFILE_BYTES} bytes per profile.`,
        };
      }
    }
    return { kind: 'profile', line, email, dedupeKey: email.toLowerCase(), attributes, resource, warnings };
  };
}

function compileField({ target, column }: ProfileMapping['fields'][number]): CompiledField {
  if (target === 'phone_number') return { kind: 'phone', column, target };
  if (target === 'image') return { kind: 'image', column, target };
  if (target.startsWith('location.')) {
    return { kind: 'location', column, target, name: target.slice('location.'.length) as LocationFieldName };
  }
  if (target.startsWith('properties.')) {
    return { kind: 'property', column, target, name: target.slice('properties.'.length) };
  }
  return { kind: 'text', column, target, name: target as TextFieldName };
}

/** Writes the mapped values into `attributes`; returns the warnings for values left out. */
function addMappedFields(
  attributes: ProfileAttributes,
  record: SourceRecord,
  fields: readonly CompiledField[],
  defaultCountry: CountryCode | undefined,
): readonly RowWarning[] {
  let warnings: RowWarning[] | undefined;
  let location: ProfileLocation | undefined;
  let properties: Record<string, PropertyValue> | undefined;

  for (const field of fields) {
    const raw = record.fields[field.column];
    if (field.kind === 'property') {
      const value = readPropertyValue(raw);
      if (value !== undefined) (properties ??= {})[field.name] = value;
      continue;
    }
    const text = readTextValue(raw);
    if (text === undefined) continue;
    if (text === NOT_TEXT) {
      (warnings ??= []).push(notTextWarning(record.line, field.target));
      continue;
    }
    switch (field.kind) {
      case 'text':
        attributes[field.name] = text;
        break;
      case 'location':
        (location ??= {})[field.name] = text;
        break;
      case 'phone': {
        const phoneNumber = normalizePhoneNumber(text, defaultCountry);
        if (phoneNumber === undefined) (warnings ??= []).push(invalidPhoneWarning(record.line, defaultCountry));
        else attributes.phone_number = phoneNumber;
        break;
      }
      case 'image':
        if (imageSchema.safeParse(text).success) attributes.image = text;
        else (warnings ??= []).push({ line: record.line, field: 'image', message: IMAGE_WARNING });
        break;
    }
  }
  if (location !== undefined) attributes.location = location;
  if (properties !== undefined) attributes.properties = properties;
  return warnings ?? NO_WARNINGS;
}

const IMAGE_WARNING = 'image is not an http(s) URL and was left out.';

function notTextWarning(line: number, field: string): RowWarning {
  return { line, field, message: `${field} holds a list or an object, not text, and was left out.` };
}

function invalidPhoneWarning(line: number, defaultCountry: CountryCode | undefined): RowWarning {
  const message =
    defaultCountry === undefined
      ? 'phone_number is not a valid phone number and was left out; use --default-country for national numbers.'
      : `phone_number is not a valid phone number (national numbers are read as ${defaultCountry}) and was left out.`;
  return { line, field: 'phone_number', message };
}
