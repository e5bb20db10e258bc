import { InputFileError } from '../errors.js';
import { maskPersonalData } from '../privacy/personal-data.js';

/**
 * Column names from the header row, kept exactly as written. An empty name becomes `column N`
 * (1-based) so that it can still be mapped and named in messages; a name that appears twice is an
 * error, since a mapping could not say which one it means.
 */
export function nameHeaderColumns(row: readonly string[], displayName: string, line: number): string[] {
  if (row.every((name) => name === '')) {
    throw new InputFileError(displayName, { line }, 'the header row has no column names');
  }
  const names = row.map((name, index) => (name === '' ? `column ${index + 1}` : name));
  const firstIndexByName = new Map<string, number>();
  names.forEach((name, index) => {
    if (name === '__proto__') {
      throw new InputFileError(displayName, { line, column: index + 1 }, 'the column name "__proto__" is not allowed');
    }
    const first = firstIndexByName.get(name);
    if (first !== undefined) {
      throw new InputFileError(
        displayName,
        { line },
        `column ${maskPersonalData(JSON.stringify(name))} appears twice in the header (columns ${first + 1} and ${index + 1})`,
      );
    }
    firstIndexByName.set(name, index);
  });
  return names;
}
