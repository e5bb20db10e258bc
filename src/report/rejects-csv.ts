/**
 * Pure rendering of the rejects file: `line,reason,detail,<the file's own columns...>`, and for
 * JSON sources a last `other_fields` column holding, as JSON, the keys that first appeared after
 * the header was written (JSON objects need not share their keys).
 */

export const REJECTS_FIXED_COLUMNS = ['line', 'reason', 'detail'] as const;
export const OTHER_FIELDS_COLUMN = 'other_fields';

export interface RejectsLayout {
  readonly sourceColumns: readonly string[];
  readonly hasOtherFields: boolean;
  /** JSON files: an `element` column (0-based index in the array) after `line`. */
  readonly hasElement?: boolean;
  /** A segment of several files: a first `file` column, and `line` is that file's line. */
  readonly hasFile?: boolean;
}

export function formatRejectsHeader(layout: RejectsLayout): string {
  const fixed = layout.hasElement ? ['line', 'element', 'reason', 'detail'] : REJECTS_FIXED_COLUMNS;
  return formatCsvRow([
    ...(layout.hasFile ? ['file'] : []),
    ...fixed,
    ...layout.sourceColumns,
    ...(layout.hasOtherFields ? [OTHER_FIELDS_COLUMN] : []),
  ]);
}

export function formatRejectRow(
  row: { file?: string; line: number; index?: number; reason: string; detail: string; fields: Readonly<Record<string, unknown>> },
  layout: RejectsLayout,
): string {
  const values: string[] = layout.hasFile ? [row.file ?? ''] : [];
  values.push(
    ...(layout.hasElement
      ? [String(row.line), row.index === undefined ? '' : String(row.index), row.reason, row.detail]
      : [String(row.line), row.reason, row.detail]),
  );
  for (const column of layout.sourceColumns) values.push(formatValue(row.fields[column]));
  if (layout.hasOtherFields) values.push(formatOtherFields(row.fields, layout.sourceColumns));
  return formatCsvRow(values);
}

function formatOtherFields(fields: Readonly<Record<string, unknown>>, known: readonly string[]): string {
  let others: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || known.includes(key)) continue;
    others ??= {};
    others[key] = value;
  }
  return others === undefined ? '' : JSON.stringify(others);
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

const NEEDS_QUOTES = /[",\r\n]/;

export function formatCsvRow(values: readonly string[]): string {
  return `${values.map((value) => (NEEDS_QUOTES.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value)).join(',')}\n`;
}

/** Where the rejects CSV goes instead of a file (the CLI's `--rejects -`: standard output). */
export interface RowsOutput {
  /** How messages name it, e.g. `standard output`. */
  readonly name: string;
  write(text: string): unknown;
}
