/** Pure rendering of the rejects file: `line,reason,detail,<the file's own columns...>`. */

export const REJECTS_FIXED_COLUMNS = ['line', 'reason', 'detail'] as const;

export function formatRejectsHeader(sourceColumns: readonly string[]): string {
  return formatCsvRow([...REJECTS_FIXED_COLUMNS, ...sourceColumns]);
}

export function formatRejectRow(
  row: { line: number; reason: string; detail: string; fields: Readonly<Record<string, unknown>> },
  sourceColumns: readonly string[],
): string {
  const values: string[] = [String(row.line), row.reason, row.detail];
  for (const column of sourceColumns) values.push(formatValue(row.fields[column]));
  return formatCsvRow(values);
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const NEEDS_QUOTES = /[",\r\n]/;

export function formatCsvRow(values: readonly string[]): string {
  return `${values.map((value) => (NEEDS_QUOTES.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value)).join(',')}\n`;
}
