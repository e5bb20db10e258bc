import { maskPersonalData } from '../privacy/personal-data.js';
import type { MappingSummary } from './run-summary.js';
import { formatCount } from './text-format.js';

/** Properties listed by name; `--json` and `--report` list them all. */
const PROPERTIES_SHOWN = 40;

const NOT_SENT_REASONS: Record<MappingSummary['notSent'][number]['reason'], string> = {
  'consent-option': 'read for --subscribe (consent)',
  'no-properties': '--no-properties',
  'no-header': 'no header: only --map sends a column',
  unnamed: 'the column has no name',
  'name-taken': 'another column or --map gives that property',
};

/**
 * The mapping as a person checks it before anything is sent: which column goes to which Klaviyo
 * field, which are custom properties (and of which type), which go nowhere. Column names only.
 */
export function renderMappingLines(mapping: MappingSummary, indent = '  '): string[] {
  const rows: [string, string][] = [[mapping.email, '-> email']];
  for (const field of mapping.fields) rows.push([field.column, `-> ${field.target}${field.byName ? ' (by its name)' : ''}`]);
  for (const property of mapping.properties.slice(0, PROPERTIES_SHOWN)) {
    rows.push([property.column, `-> properties.${quoteName(property.name)} (${describeType(property.type)})`]);
  }
  const hidden = mapping.properties.length - PROPERTIES_SHOWN;
  for (const column of mapping.notSent) rows.push([column.column, `   not sent: ${NOT_SENT_REASONS[column.reason]}`]);
  const shown = rows.map(([column, target]) => [JSON.stringify(maskPersonalData(column)), target] as const);
  const width = Math.min(32, Math.max(...shown.map(([column]) => column.length)));
  const lines = [`${indent}mapping (column -> Klaviyo)`];
  for (const [column, target] of shown) lines.push(`${indent}  ${column.padEnd(width)}  ${target}`);
  if (hidden > 0) lines.push(`${indent}  ... and ${formatCount(hidden)} more properties (--json and --report list them all)`);
  return lines;
}

function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(maskPersonalData(name));
}

function describeType(type: MappingSummary['properties'][number]['type']): string {
  return type === 'json' ? 'as in the file' : type;
}
