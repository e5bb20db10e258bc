import { RowLedger } from './row-ledger.js';
import type { RowOutcome, RowRef } from './row-outcome.js';

/** A rejected row as a test reads it: where it was, why, and the values it held. */
export interface RecordedRejection {
  readonly line: number;
  readonly index?: number | undefined;
  readonly reason: string;
  readonly detail: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A ledger without a rejects file that keeps every outcome recorded, in order, for a test to read. */
export function recordingLedger(): {
  ledger: RowLedger;
  outcomes: [RowRef, RowOutcome][];
  rejectedRows: RecordedRejection[];
} {
  const outcomes: [RowRef, RowOutcome][] = [];
  const rejectedRows: RecordedRejection[] = [];
  const ledger = new RowLedger({
    observe: (row, outcome) => {
      outcomes.push([row, outcome]);
      if (outcome.kind === 'rejected') {
        rejectedRows.push({ line: row.line, index: row.element, reason: outcome.code, detail: outcome.detail, fields: outcome.fields });
      }
    },
  });
  return { ledger, outcomes, rejectedRows };
}
