import { MAX_EMAILS_PER_FILTER } from '../../klaviyo/email-filter.js';
import type { KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import type { FieldMapping } from '../../mapping/mapping-spec.js';
import { addLine, emptyLineList, type LineList } from '../../report/run-summary.js';
import type { FieldMismatch } from '../../report/verify-summary.js';
import { memberFieldsFor, mismatchedFields } from './compare-attributes.js';

/** Lookups in flight at once; the client's rate limiter (75/s, 750/min) paces them. */
const LOOKUP_CONCURRENCY = 4;
/**
 * The emails go in the URL: web servers commonly refuse request lines over 8 KB (nginx's default
 * buffer), so a lookup holds fewer than 100 emails when they are long. 100 typical addresses take ~4 KB.
 */
const MAX_FILTER_URL_CHARS = 6_000;

/** The rows of the next lookup from `start`: at most 100, and at most MAX_FILTER_URL_CHARS of encoded filter. */
export function nextChunk<T extends { dedupeKey: string }>(rows: readonly T[], start: number): T[] {
  let end = start;
  let chars = 0;
  while (end < rows.length && end - start < MAX_EMAILS_PER_FILTER) {
    // `"email",` as it appears in the query string.
    const encoded = encodeURIComponent(`${JSON.stringify(rows[end]!.dedupeKey)},`).length;
    if (end > start && chars + encoded > MAX_FILTER_URL_CHARS) break;
    chars += encoded;
    end += 1;
  }
  return rows.slice(start, end);
}

/** A row chosen for checking: only what the run needs stays in memory (with --all, every valid row). */
export interface SampledRow {
  readonly line: number;
  readonly index?: number;
  readonly dedupeKey: string;
  readonly attributesJson?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface CheckResult {
  present: number;
  missing: LineList;
  missingRows: SampledRow[];
  mismatched: number;
  byField: FieldMismatch[];
}

/** Asks Klaviyo, 100 emails a request, which rows are members of the list, and how their mapped fields compare. */
export async function checkMembership(
  rows: readonly SampledRow[],
  options: {
    client: Pick<KlaviyoClient, 'findListMembers'>;
    listId: string;
    fields: readonly FieldMapping[];
    signal: AbortSignal | undefined;
    onChecked: ((checked: number, total: number) => void) | undefined;
  },
): Promise<CheckResult> {
  const memberFields = memberFieldsFor(options.fields);
  const missingRows: SampledRow[] = [];
  const mismatches = new Map<FieldMapping, SampledRow[]>(options.fields.map((field) => [field, []]));
  let mismatched = 0;
  let next = 0;
  let checked = 0;
  let hasFailed = false;
  const lookUp = async (): Promise<void> => {
    while (next < rows.length && !hasFailed) {
      options.signal?.throwIfAborted();
      const chunk = nextChunk(rows, next);
      next += chunk.length;
      const members = await options.client.findListMembers(
        options.listId,
        chunk.map((row) => row.dedupeKey),
        memberFields,
      );
      const byEmail = new Map(members.map((member) => [member.email?.toLowerCase(), member.attributes]));
      for (const row of chunk) {
        const member = byEmail.get(row.dedupeKey);
        if (member === undefined) {
          missingRows.push(row);
          continue;
        }
        if (options.fields.length === 0 || row.attributesJson === undefined) continue;
        const differing = mismatchedFields(row.attributesJson, member, options.fields);
        if (differing.length > 0) mismatched += 1;
        for (const field of differing) mismatches.get(field)?.push(row);
      }
      checked += chunk.length;
      options.onChecked?.(checked, rows.length);
    }
  };
  await Promise.all(
    Array.from({ length: LOOKUP_CONCURRENCY }, () =>
      lookUp().catch((error: unknown) => {
        hasFailed = true;
        throw error;
      }),
    ),
  );
  const inFileOrder = (a: SampledRow, b: SampledRow) => a.line - b.line || (a.index ?? 0) - (b.index ?? 0);
  missingRows.sort(inFileOrder);
  return {
    present: rows.length - missingRows.length,
    missing: lineListOf(missingRows),
    missingRows,
    mismatched,
    byField: [...mismatches]
      .filter(([, differing]) => differing.length > 0)
      .map(([field, differing]) => ({ field: field.target, column: field.column, ...lineListOf(differing.sort(inFileOrder)) })),
  };
}

function lineListOf(rows: readonly SampledRow[]): LineList {
  const list = emptyLineList();
  for (const row of rows) addLine(list, row.line, row.index);
  return list;
}
