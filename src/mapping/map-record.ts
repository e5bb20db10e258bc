import type { CountryCode } from 'libphonenumber-js/max';
import { maskPersonalData } from '../privacy/personal-data.js';
import { isEmailAddress } from './email-address.js';
import { EMAIL_FLAW_HINTS, findEmailFlaw, type EmailFlaw } from './email-flaw.js';
import { isNoValueMarker, noValueMarkersFor, NOT_TEXT, readPropertyValue, readTextValue, type NoValueMarkers } from './field-value.js';
import { readKeyPath } from './key-path.js';
import type { MappingTarget, ProfileMapping } from './mapping-types.js';
import { createLaterKeyFilter } from './property-columns.js';
import { PropertyColumnType } from './property-types.js';
import type { SettledPropertyType } from './provisional-values.js';
import { createPhoneNumberNormalizer, type PhoneNumberNormalizer } from './phone-number.js';
import { jsonMemberName, orderPropertyNames, ProfileAttributesWriter, type JsonMemberName } from './profile-attributes-writer.js';
import { profileAttributesSchema } from './profile-schema.js';

/**
 * What mapping reads of a record. A reader's `RecordToMap` fits it without mapping importing the
 * readers: imports point toward the pipeline, which joins the two.
 */
export interface RecordToMap {
  /** 1-based line where the record starts: rejections and warnings name it. */
  readonly line: number;
  /** Column name -> raw value, as the reader produced it. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Why mapping refused a row. The export adds its own reasons (size, duplicates). */
export type RejectionReason = 'blank_email' | 'invalid_email';

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
      /** The profile attributes as JSON, `{"email":...}`, serialised once for batching by bytes. */
      attributesJson: string;
      /** UTF-8 size of `attributesJson`. */
      attributesBytes: number;
      warnings: readonly RowWarning[];
    }
  | {
      kind: 'rejected';
      line: number;
      reason: RejectionReason;
      /** One sentence without personal data: it goes to CI logs. */
      detail: string;
    };

/** One `--map`, compiled once per run so that mapping a row is a loop over plain data. */
type CompiledField = { column: string; path: readonly string[] | undefined; target: MappingTarget; noValueMarkers: NoValueMarkers } & (
  | { kind: 'text'; member: JsonMemberName }
  | { kind: 'phone'; member: JsonMemberName }
  | { kind: 'image'; member: JsonMemberName }
  | { kind: 'location'; member: JsonMemberName }
);

/** Custom properties never warn, so they are mapped after the other fields, in JSON key order. */
interface CompiledProperty {
  column: string;
  path: readonly string[] | undefined;
  name: string;
  member: JsonMemberName;
  /** CSV: the column's type, settled once the whole file was read (see property-types.ts). */
  columnType: PropertyColumnType | undefined;
}

/** Maps one record to exactly one outcome; then tells the types its CSV property columns settled on. */
export interface RecordMapper {
  (record: RecordToMap): MapOutcome;
  /** Once every record was mapped: each CSV property column's type (provisional values are settled to it). */
  settledPropertyTypes(): SettledPropertyType[];
}

const NO_WARNINGS: readonly RowWarning[] = Object.freeze([]);

/**
 * Each value is checked by its own part of the schema where it is built, instead of parsing the
 * finished profile: with the 8 fields of `npm run bench:read`, a whole-profile `safeParse` more
 * than doubled the cost of mapping a row. What the parts do not check holds by construction:
 * text is trimmed and non-empty (readTextValue), targets are schema keys (MappingTarget) and
 * libphonenumber returns E.164. The email, checked on every row, uses the schema's own pattern and
 * length limit directly (isEmailAddress). The tests parse every kind of mapped profile with the full schema.
 */
const imageSchema = profileAttributesSchema.shape.image;

/** Compiles `mapping` once; the returned function maps one record to exactly one outcome. */
export function createRecordMapper(mapping: ProfileMapping): RecordMapper {
  const { emailColumn, defaultCountry } = mapping;
  const fields: CompiledField[] = [];
  const properties: CompiledProperty[] = [];
  const typeOf = () => (mapping.infersPropertyTypes === true ? new PropertyColumnType() : undefined);
  for (const { target, column, path } of mapping.fields) {
    if (target.startsWith('properties.')) {
      const name = target.slice('properties.'.length);
      properties.push({ column, path, name, member: jsonMemberName(name), columnType: typeOf() });
    } else {
      fields.push(compileField(target, column, path));
    }
  }
  // JSON: the other keys are found in each object (objects need not share keys), not listed here.
  if (mapping.sendsLaterKeys !== true) {
    for (const { column, name } of mapping.propertyColumns ?? []) {
      properties.push({ column, path: undefined, name, member: jsonMemberName(name), columnType: typeOf() });
    }
  }
  const laterKey = mapping.sendsLaterKeys === true ? createLaterKeyFilter(mapping) : undefined;
  const orderedProperties = orderPropertyNames(properties);
  const writer = new ProfileAttributesWriter();
  const normalizePhone = createPhoneNumberNormalizer();
  // Column names come from the file: one that looks like personal data is masked (messages reach CI logs).
  const shownEmailColumn = maskPersonalData(emailColumn);
  const blankEmailDetail = `The email column "${shownEmailColumn}" is empty.`;
  const noValueEmailDetail = `The email column "${shownEmailColumn}" is empty (it holds a no-value marker such as NULL or N/A).`;
  const invalidEmailDetail = `The email column "${shownEmailColumn}" does not hold a valid email address.`;
  const invalidEmailDetails = new Map<EmailFlaw, string>();
  const invalidEmailDetailFor = (flaw: EmailFlaw): string => {
    let detail = invalidEmailDetails.get(flaw);
    if (detail === undefined) {
      detail = `The email column "${shownEmailColumn}" does not hold a valid email address: ${EMAIL_FLAW_HINTS[flaw]}.`;
      invalidEmailDetails.set(flaw, detail);
    }
    return detail;
  };

  function mapRecord(record: RecordToMap): MapOutcome {
    const { line } = record;
    const email = readTextValue(record.fields[emailColumn]);
    if (email === undefined) return { kind: 'rejected', line, reason: 'blank_email', detail: blankEmailDetail };
    if (email === NOT_TEXT) return { kind: 'rejected', line, reason: 'invalid_email', detail: invalidEmailDetail };
    if (!isEmailAddress(email)) {
      // Only rows already rejected pay for telling why.
      if (isNoValueMarker(email)) return { kind: 'rejected', line, reason: 'blank_email', detail: noValueEmailDetail };
      const flaw = findEmailFlaw(email);
      const detail = flaw === undefined ? invalidEmailDetail : invalidEmailDetailFor(flaw);
      return { kind: 'rejected', line, reason: 'invalid_email', detail };
    }

    writer.start(email);
    const warnings = fields.length === 0 ? NO_WARNINGS : addMappedFields(writer, record, fields, defaultCountry, normalizePhone);
    if (orderedProperties.length > 0) addProperties(writer, record, orderedProperties);
    if (laterKey !== undefined) addLaterKeys(writer, record, laterKey);
    const attributesJson = writer.finish();
    const attributesBytes = writer.byteLength(attributesJson);
    return { kind: 'profile', line, email, dedupeKey: email.toLowerCase(), attributesJson, attributesBytes, warnings };
  }

  const settledPropertyTypes = (): SettledPropertyType[] =>
    properties.flatMap(({ name, columnType }) => {
      if (columnType === undefined) return [];
      const settled = columnType.type;
      return [settled.type === 'date' ? { name, type: 'date', isDayFirst: settled.isDayFirst } : { name, type: settled.type }];
    });
  return Object.assign(mapRecord, { settledPropertyTypes });
}

function addProperties(writer: ProfileAttributesWriter, record: RecordToMap, properties: readonly CompiledProperty[]): void {
  for (const property of properties) {
    const value = readPropertyValue(
      property.path === undefined ? record.fields[property.column] : readKeyPath(record.fields, property.path),
    );
    if (value === undefined) continue;
    const room = property.columnType !== undefined && typeof value === 'string' ? property.columnType.observe(value) : undefined;
    if (room === undefined) writer.addProperty(property.member, value);
    else writer.addProvisionalProperty(property.member, value as string, room);
  }
}

/** JSON: each key of the object that the mapping leaves, as a property of the same name, in the object's order. */
function addLaterKeys(writer: ProfileAttributesWriter, record: RecordToMap, laterKey: (key: string) => JsonMemberName | undefined): void {
  for (const key in record.fields) {
    const member = laterKey(key);
    if (member === undefined) continue;
    const value = readPropertyValue(record.fields[key]);
    if (value !== undefined) writer.addProperty(member, value);
  }
}

function compileField(target: MappingTarget, column: string, path: readonly string[] | undefined): CompiledField {
  const common = { column, path, target, noValueMarkers: noValueMarkersFor(target) };
  if (target === 'phone_number') return { ...common, kind: 'phone', member: jsonMemberName(target) };
  if (target === 'image') return { ...common, kind: 'image', member: jsonMemberName(target) };
  if (target.startsWith('location.')) return { ...common, kind: 'location', member: jsonMemberName(target.slice('location.'.length)) };
  return { ...common, kind: 'text', member: jsonMemberName(target) };
}

/** Writes the mapped values of the profile fields; returns the warnings for values left out. */
function addMappedFields(
  writer: ProfileAttributesWriter,
  record: RecordToMap,
  fields: readonly CompiledField[],
  defaultCountry: CountryCode | undefined,
  normalizePhone: PhoneNumberNormalizer,
): readonly RowWarning[] {
  let warnings: RowWarning[] | undefined;
  for (const field of fields) {
    const text = readTextValue(field.path === undefined ? record.fields[field.column] : readKeyPath(record.fields, field.path));
    if (text === undefined) continue;
    if (text === NOT_TEXT) {
      (warnings ??= []).push(notTextWarning(record.line, field.target));
      continue;
    }
    if (isNoValueMarker(text, field.noValueMarkers)) continue;
    switch (field.kind) {
      case 'text':
        writer.addAttribute(field.member, text);
        break;
      case 'location':
        writer.addLocation(field.member, text);
        break;
      case 'phone': {
        const phoneNumber = normalizePhone(text, defaultCountry);
        if (phoneNumber === undefined) {
          (warnings ??= []).push(invalidPhoneWarning(record.line, defaultCountry));
          break;
        }
        writer.addAttribute(field.member, phoneNumber.e164);
        if (phoneNumber.hadExtension) {
          (warnings ??= []).push({ line: record.line, field: 'phone_number', message: PHONE_EXTENSION_WARNING });
        }
        break;
      }
      case 'image':
        if (imageSchema.safeParse(text).success) writer.addAttribute(field.member, text);
        else (warnings ??= []).push({ line: record.line, field: 'image', message: IMAGE_WARNING });
        break;
    }
  }
  return warnings ?? NO_WARNINGS;
}

const IMAGE_WARNING = 'image is not an http(s) URL and was left out.';
const PHONE_EXTENSION_WARNING = 'phone_number had an extension, which Klaviyo cannot store; the number was sent without it.';

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
