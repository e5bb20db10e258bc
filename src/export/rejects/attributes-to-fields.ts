import type { ProfileMapping } from '../../mapping/mapping-spec.js';

/**
 * Puts a sent profile's attributes back under the file's own column names, so that a row Klaviyo
 * refused appears in the rejects file like the rows refused locally.
 */
export function attributesToFields(attributes: Record<string, unknown> | undefined, mapping: ProfileMapping): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!attributes) return fields;
  fields[mapping.emailColumn] = attributes.email;
  for (const { target, column } of mapping.fields) {
    fields[column] = valueAt(attributes, target);
  }
  const properties = attributes.properties;
  if (typeof properties !== 'object' || properties === null) return fields;
  const sent = properties as Record<string, unknown>;
  if (mapping.sendsLaterKeys === true) {
    // JSON: the other keys went out under their own names.
    const explicit = new Set(mapping.fields.map((field) => field.target));
    for (const key of Object.keys(sent)) if (!explicit.has(`properties.${key}`)) fields[key] = sent[key];
  } else {
    for (const { column, name } of mapping.propertyColumns ?? []) fields[column] = sent[name];
  }
  return fields;
}

function valueAt(attributes: Record<string, unknown>, target: string): unknown {
  const dot = target.indexOf('.');
  if (dot < 0) return attributes[target];
  const group = attributes[target.slice(0, dot)];
  return typeof group === 'object' && group !== null ? (group as Record<string, unknown>)[target.slice(dot + 1)] : undefined;
}
