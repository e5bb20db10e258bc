import type { ProfileMapping } from '../../mapping/mapping-spec.js';
import { laterKeysSent } from '../../mapping/property-columns.js';
import type { SettledPropertyType } from '../../mapping/provisional-values.js';
import type { MappingSummary } from '../../report/run-summary.js';

/** What the run's mapping sent where, for every report: column names and types only. */
export function summarizeMapping(scan: {
  readonly mapping: ProfileMapping;
  readonly propertyTypes: readonly SettledPropertyType[];
  /** Every column (JSON: every key) the file had by the end. */
  readonly columns: readonly string[];
}): MappingSummary {
  const { mapping } = scan;
  const typeOf = (name: string): MappingSummary['properties'][number]['type'] =>
    mapping.infersPropertyTypes === true ? (scan.propertyTypes.find((type) => type.name === name)?.type ?? 'text') : 'json';
  const properties: MappingSummary['properties'] = [];
  const fields: MappingSummary['fields'] = [];
  for (const field of mapping.fields) {
    if (field.target.startsWith('properties.')) {
      const name = field.target.slice('properties.'.length);
      properties.push({ name, column: field.column, type: typeOf(name), byName: false });
    } else {
      fields.push({ target: field.target, column: field.column, byName: field.isDefault === true });
    }
  }
  const byName =
    mapping.sendsLaterKeys === true
      ? laterKeysSent(mapping, scan.columns).map((key) => ({ name: key, column: key }))
      : (mapping.propertyColumns ?? []);
  for (const { name, column } of byName) properties.push({ name, column, type: typeOf(name), byName: true });
  return { email: mapping.emailColumn, fields, properties, notSent: [...(mapping.unsentColumns ?? [])] };
}
