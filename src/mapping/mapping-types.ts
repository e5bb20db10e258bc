import type { CountryCode } from 'libphonenumber-js/max';
import type { ProfileAttributes, ProfileLocation } from './profile-schema.js';

/** The shapes of a mapping: what the command line asks for, and what it becomes once checked against a file. */

export const PROFILE_FIELDS = [
  'first_name',
  'last_name',
  'phone_number',
  'external_id',
  'organization',
  'title',
  'locale',
  'image',
] as const satisfies readonly (keyof ProfileAttributes)[];
export const LOCATION_FIELDS = [
  'address1',
  'address2',
  'city',
  'region',
  'zip',
  'country',
  'timezone',
] as const satisfies readonly (keyof ProfileLocation)[];

export type ProfileFieldName = (typeof PROFILE_FIELDS)[number];
export type LocationFieldName = (typeof LOCATION_FIELDS)[number];
export type MappingTarget = ProfileFieldName | `location.${LocationFieldName}` | `properties.${string}`;

/** What the command line asked for, before it is checked against the file's columns. */
export interface MappingRequest {
  /** `--email-field <column>`; found by name when absent. */
  emailField?: string;
  /** Raw `--map` values: `first_name=First Name`, `location.city=City`, `properties.tier=Tier`. */
  maps: readonly string[];
  /** `--default-country`: ISO 3166-1 alpha-2, for phone numbers written without a country code. */
  defaultCountry?: string;
  /**
   * Also map the columns whose names say which profile field they hold (`First Name`, `Phone`,
   * `Default Address City`...: see propose-mapping.ts); `--map` wins for its field and column.
   * Absent: only what `--map` names (a push maps them unless `--no-default-map`).
   */
  mapsKnownColumns?: boolean;
  /**
   * Send every column the mapping does not use as a custom property under its own name.
   * Absent: none (a push sends them unless `--no-properties`).
   */
  sendsOtherColumns?: boolean;
  /** Columns that other options read (--subscribe's consent columns): never mapped by name nor sent as properties. */
  reservedColumns?: readonly string[];
}

/** What the mapping needs to know of the file itself. */
export interface SourceTraits {
  /**
   * JSON or NDJSON: values keep their JSON types, `--map` may name a nested key (`address.city`),
   * and a key first seen after the first objects is a property too (objects need not share keys).
   */
  readonly isJson?: boolean;
  /** False for `--no-header`: columns are named by number, so none is mapped or sent by its name. */
  readonly hasHeader?: boolean;
  /** Every value is text (CSV), so custom properties are typed by their whole column. Default: unless `isJson`. */
  readonly valuesAreText?: boolean;
  /**
   * The first data rows: they tell the email column by its values when no name says which, and a
   * JSON key that holds objects or lists there is not mapped to a text field by its name.
   */
  readonly sample?: readonly { readonly fields: Readonly<Record<string, unknown>> }[];
}

export interface FieldMapping {
  target: MappingTarget;
  /** The column as the file names it; for a nested JSON key, its path as `--map` writes it (`address.city`). */
  column: string;
  /** JSON: the keys from the top-level object down, when the value is nested (`['address', 'city']`). */
  path?: readonly string[];
  /** Mapped because the column's name says which field it holds, not by `--map`. */
  isDefault?: true;
}

/** A column sent as a custom property under its own name. */
export interface PropertyColumn {
  readonly column: string;
  /** The property's name: the column's name without surrounding spaces. */
  readonly name: string;
}

/** Why a column of the file is sent nowhere. */
export type UnsentReason = 'consent-option' | 'no-properties' | 'no-header' | 'unnamed' | 'name-taken';

export interface UnsentColumn {
  readonly column: string;
  readonly reason: UnsentReason;
}

/** A mapping checked against the file's columns: every column it names exists. */
export interface ProfileMapping {
  emailColumn: string;
  /** `--map`, then the fields mapped by name. */
  fields: readonly FieldMapping[];
  defaultCountry?: CountryCode;
  /** Columns sent as custom properties under their own name, in the file's order (absent: none). */
  propertyColumns?: readonly PropertyColumn[];
  /**
   * JSON/NDJSON: every other key of each object is sent as a custom property too, keys first seen
   * after the mapping was resolved included (see propertyKeyFilter).
   */
  sendsLaterKeys?: boolean;
  /**
   * CSV: values are text, so a property column's values are sent as numbers, booleans or ISO 8601
   * dates when every value of the whole column is one (see property-types.ts). JSON keeps its own types.
   */
  infersPropertyTypes?: boolean;
  /** The columns other options read (consent): neither mapped by name nor sent as properties. */
  reservedColumns?: readonly string[];
  /** The file's columns sent nowhere, and why (absent: none). */
  unsentColumns?: readonly UnsentColumn[];
}

/** The columns already decided when the mapping by name and the properties are worked out. */
export interface DecidedColumns {
  readonly emailColumn: string;
  readonly reservedColumns: readonly string[];
}

/** The top-level column a field reads: its column, or the first key of its path. */
export function topLevelColumnOf(field: FieldMapping): string {
  return field.path?.[0] ?? field.column;
}

/** What resolveMapping returns: every member said, none left to its default. */
export type ResolvedMapping = ProfileMapping &
  Required<Pick<ProfileMapping, 'propertyColumns' | 'sendsLaterKeys' | 'infersPropertyTypes' | 'reservedColumns' | 'unsentColumns'>>;
