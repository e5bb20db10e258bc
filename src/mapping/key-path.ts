/**
 * Nested keys of JSON records, as `--map` names them: `address.city` is the key `city` of the
 * object under `address`. A dot that belongs to a key name is written `\.` (`meta.utm\.source`).
 */

/** The keys of `name`, from the top-level object down; `\.` is a dot inside a key. */
export function parseKeyPath(name: string): string[] {
  const keys: string[] = [];
  let key = '';
  for (let index = 0; index < name.length; index++) {
    const char = name[index];
    if (char === '\\' && name[index + 1] === '.') {
      key += '.';
      index++;
    } else if (char === '.') {
      keys.push(key);
      key = '';
    } else {
      key += char;
    }
  }
  keys.push(key);
  return keys;
}

/** The name of a path, as `--map` would write it: keys joined by dots, dots inside keys escaped. */
export function formatKeyPath(keys: readonly string[]): string {
  return keys.map((key) => key.replaceAll('.', '\\.')).join('.');
}

/** The value at `path` under `fields`, through plain objects only; undefined when a step is missing. */
export function readKeyPath(fields: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = fields;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
