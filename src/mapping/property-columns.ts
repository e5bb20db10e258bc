import { jsonMemberName, type JsonMemberName } from './profile-attributes-writer.js';
import {
  topLevelColumnOf,
  type DecidedColumns,
  type FieldMapping,
  type MappingRequest,
  type ProfileMapping,
  type PropertyColumn,
  type SourceTraits,
  type UnsentColumn,
  type UnsentReason,
} from './mapping-types.js';

/** Which columns the mapping leaves are sent as custom properties, and why each of the others is not. */

/** `column 3`: the name the CSV reader gives a header cell left empty. */
function isUnnamedColumn(column: string, index: number): boolean {
  return column === `column ${index + 1}`;
}

export function resolvePropertyColumns(
  columns: readonly string[],
  request: MappingRequest,
  file: SourceTraits,
  decided: DecidedColumns & { readonly fields: readonly FieldMapping[] },
): { columns: PropertyColumn[]; unsent: UnsentColumn[] } {
  const used = new Set([decided.emailColumn, ...decided.fields.map(topLevelColumnOf)]);
  const reserved = new Set(decided.reservedColumns);
  const names = new Set(explicitPropertyNames(decided.fields));
  const propertyColumns: PropertyColumn[] = [];
  const unsent: UnsentColumn[] = [];
  columns.forEach((column, index) => {
    if (used.has(column)) return;
    const name = file.isJson === true ? column : column.trim();
    let reason: UnsentReason | undefined;
    if (reserved.has(column)) reason = 'consent-option';
    else if (file.hasHeader === false) reason = 'no-header';
    else if (request.sendsOtherColumns !== true) reason = 'no-properties';
    else if (name.trim() === '' || name === '__proto__' || (file.isJson !== true && isUnnamedColumn(column, index))) reason = 'unnamed';
    else if (names.has(name)) reason = 'name-taken';
    if (reason !== undefined) {
      unsent.push({ column, reason });
      return;
    }
    names.add(name);
    propertyColumns.push({ column, name });
  });
  return { columns: propertyColumns, unsent };
}

/** The custom property names `--map properties.<name>=...` gives: a column of the same name is not sent again under it. */
export function explicitPropertyNames(fields: readonly FieldMapping[]): string[] {
  return fields.filter((field) => field.target.startsWith('properties.')).map((field) => field.target.slice('properties.'.length));
}

/**
 * JSON/NDJSON: which keys of an object are sent as properties of the same name. Objects need not
 * share keys, so each object's keys are looked at: every key but those the mapping uses (the
 * email, mapped and reserved columns, ignoring case and surrounding spaces as column names do),
 * those `--map properties.<name>` already gives a value, and blank names. Decided once per name.
 */
export function createLaterKeyFilter(mapping: ProfileMapping): (key: string) => JsonMemberName | undefined {
  const looseName = (name: string) => name.trim().toLowerCase();
  const used = new Set([mapping.emailColumn, ...mapping.fields.map(topLevelColumnOf), ...(mapping.reservedColumns ?? [])].map(looseName));
  const explicitNames = new Set(explicitPropertyNames(mapping.fields));
  const decided = new Map<string, JsonMemberName | null>();
  return (key) => {
    let member = decided.get(key);
    if (member === undefined) {
      const isSent = !used.has(looseName(key)) && !explicitNames.has(key) && key.trim() !== '' && key !== '__proto__';
      member = isSent ? jsonMemberName(key) : null;
      decided.set(key, member);
    }
    return member ?? undefined;
  };
}

/** JSON/NDJSON: the keys among `columns` (every key seen) that were sent as properties. */
export function laterKeysSent(mapping: ProfileMapping, columns: readonly string[]): string[] {
  if (mapping.sendsLaterKeys !== true) return [];
  const filter = createLaterKeyFilter(mapping);
  return columns.filter((column) => filter(column) !== undefined);
}

/** The properties sent by name, as fields `properties.<name>` read from their column: what `verify --attributes` compares too. */
export function propertyFieldsOf(mapping: ProfileMapping, columns: readonly string[]): FieldMapping[] {
  const sent =
    mapping.sendsLaterKeys === true
      ? laterKeysSent(mapping, columns).map((key) => ({ column: key, name: key }))
      : (mapping.propertyColumns ?? []);
  return sent.map(({ column, name }) => ({ target: `properties.${name}`, column, isDefault: true }));
}
