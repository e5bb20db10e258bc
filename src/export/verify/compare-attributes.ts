import type { FieldMapping } from '../../mapping/mapping-spec.js';

/**
 * `--attributes`: which mapped fields of a list member differ from what the file would send.
 * A field the row leaves blank is not compared: a bulk import never clears a stored value.
 */

/** The `fields[profile]` names that bring back the mapped fields (a custom property comes with `properties`). */
export function memberFieldsFor(fields: readonly FieldMapping[]): string[] {
  return [...new Set(fields.map(({ target }) => (target.startsWith('properties.') ? 'properties' : target)))];
}

/** The mapped fields whose sent value (in `attributesJson`) differs from the member's. */
export function mismatchedFields(
  attributesJson: string,
  member: Readonly<Record<string, unknown>>,
  fields: readonly FieldMapping[],
): FieldMapping[] {
  const sent = JSON.parse(attributesJson) as Record<string, unknown>;
  return fields.filter(({ target }) => {
    const expected = valueAt(sent, target);
    return expected !== undefined && !isSameValue(expected, valueAt(member, target));
  });
}

function valueAt(attributes: Readonly<Record<string, unknown>>, target: string): unknown {
  const dot = target.indexOf('.');
  if (dot < 0) return attributes[target];
  const group = attributes[target.slice(0, dot)];
  return typeof group === 'object' && group !== null ? (group as Record<string, unknown>)[target.slice(dot + 1)] : undefined;
}

function isSameValue(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string' || typeof actual === 'string') return expected === actual;
  return JSON.stringify(expected) === JSON.stringify(actual);
}
