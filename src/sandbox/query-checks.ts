import { invalidParameter, type ApiResponse } from './json-api.js';
import type { QueryVocabulary } from './operations.js';

/**
 * Refuses, before any handler runs, a `fields[type]`, `additional-fields[type]` or `include`
 * parameter naming what the operation does not accept, as Klaviyo does (400, `source.parameter`).
 */

const TYPED_PARAMETER = /^(fields|additional-fields)\[([^\]]*)\]$/;

function names(value: string): string[] {
  return value.split(',').map((name) => name.trim());
}

function isKnownField(name: string, allowed: readonly string[]): boolean {
  return allowed.includes(name) || allowed.includes(name.split('.')[0] ?? '');
}

export function checkQueryVocabulary(query: URLSearchParams, vocabulary: QueryVocabulary): ApiResponse | undefined {
  for (const [parameter, value] of query) {
    if (parameter === 'include') {
      const unknown = names(value).find((name) => !(vocabulary.include ?? []).includes(name));
      if (unknown !== undefined) return invalidParameter(parameter, `'${unknown}' is not a valid relationship.`);
      continue;
    }
    const match = TYPED_PARAMETER.exec(parameter);
    if (match === null) continue;
    const [, kind, type = ''] = match;
    const allowed = (kind === 'fields' ? vocabulary.fields : (vocabulary.additionalFields ?? {}))[type];
    if (allowed === undefined) return invalidParameter(parameter, `'${type}' is not a valid resource type for '${kind ?? ''}'.`);
    const unknown = names(value).find((name) => (kind === 'fields' ? !isKnownField(name, allowed) : !allowed.includes(name)));
    if (unknown !== undefined) return invalidParameter(parameter, `'${unknown}' is not a valid field for the resource '${type}'.`);
  }
  return undefined;
}
