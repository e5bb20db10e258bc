import type { ProfileMapping } from '../../mapping/mapping-spec.js';
import type { ReadSegmentOptions, SegmentFormat, SegmentInput } from '../../source/source-record.js';
import { addLine, emptyLineList, type LineList, type ReasonCount } from '../../report/run-summary.js';
import { attributesToFields } from './attributes-to-fields.js';
import { LateRejects } from './late-rejects.js';
import type { LocateLine } from '../../report/localize-lines.js';
import { ReasonTally } from './reason-tally.js';
import { RejectsFile, type RowsOutput } from './rejects-file.js';
import type { RowOutcome, RowRef, SentProfile } from './row-outcome.js';
import type { RejectKindCounts } from '../../report/rejects-written.js';

/** What the ledger says of the rows the scan left out: for the summary's `rows` and `rejectedByReason`. */
export interface ScanOutcomes {
  readonly rejected: number;
  readonly rejectedByReason: ReasonCount[];
  readonly duplicates: LineList;
}

/** What the ledger says of the rows delivery did not deliver. */
export interface DeliveryOutcomes {
  readonly refusedByKlaviyo: ReasonCount[];
  /** Named refusals and those Klaviyo counted without naming them. */
  readonly refused: number;
  readonly refusedWithoutDetail: number;
  readonly notDelivered: LineList;
  /** Why they were not delivered: one sentence each, the most frequent first. */
  readonly notDeliveredCauses: { description: string; count: number }[];
  readonly unconfirmed: LineList;
}

/** What the ledger says of the consenting rows the consent step did not subscribe. */
export interface ConsentOutcomes {
  readonly keptOptedOut: ReasonCount[];
  readonly keptOptedOutCount: number;
  readonly refusedByKlaviyo: ReasonCount[];
  readonly refused: number;
  readonly notSubscribed: LineList;
  /** Consenting rows an interrupted run's unanswered request may have reached: not sent again. */
  readonly uncertain: LineList;
}

/**
 * Every row's outcome, recorded once, by every stage: the scan's rejections and duplicates,
 * delivery's refusals, rows not delivered or not confirmed, and the consent step's rows kept opted
 * out or not subscribed. A row recorded nowhere was delivered. The summary's counts and lines and
 * the rejects file are written from here and nowhere else.
 *
 * Rows the scan rejects go to the rejects file at once, with their columns. Rows of later stages
 * go to `late`, to be written with their original columns read again from the file once the run
 * ends; without it (standard input cannot be read again) they are written at once with the values
 * sent.
 */
export class RowLedger {
  readonly #rejects: RejectsFile | undefined;
  readonly #late: LateRejects | undefined;
  #mapping: ProfileMapping | undefined;
  readonly #rejected = new ReasonTally();
  readonly #duplicates = emptyLineList();
  readonly #refused = new ReasonTally();
  #refusedWithoutDetail = 0;
  readonly #notDelivered = emptyLineList();
  readonly #notDeliveredCauses = new Map<string, number>();
  readonly #unconfirmed = emptyLineList();
  readonly #kept = new ReasonTally();
  readonly #subscribeRefused = new ReasonTally();
  readonly #notSubscribed = emptyLineList();
  readonly #subscribeUncertain = emptyLineList();
  readonly #observe: ((row: RowRef, outcome: RowOutcome) => void) | undefined;

  constructor(
    options: {
      readonly rejects?: RejectsFile | undefined;
      readonly late?: LateRejects | undefined;
      /** Sees each outcome as it is recorded (a library caller's event, a test). */
      readonly observe?: (row: RowRef, outcome: RowOutcome) => void;
    } = {},
  ) {
    this.#rejects = options.rejects;
    this.#late = options.late;
    this.#observe = options.observe;
  }

  /** The rejects file's path and the rows written to it (by kind, as the summary counts them), once it is closed; undefined without one. */
  get rejectsWritten(): { readonly path: string; readonly rows: number; readonly byKind: RejectKindCounts } | undefined {
    return this.#rejects && { path: this.#rejects.path, rows: this.#rejects.rows, byKind: this.#rejects.rowsByKind };
  }

  /** Once the file's columns are known and its mapping resolved: the rejects file's header follows them. */
  setSource(mapping: ProfileMapping, columns: readonly string[], format: SegmentFormat, locate?: LocateLine): void {
    this.#mapping = mapping;
    this.#rejects?.setColumns(columns, { mayGrow: format !== 'csv', hasElement: format === 'json', locate });
  }

  record(row: RowRef, outcome: RowOutcome): void {
    this.#observe?.(row, outcome);
    const { line, element } = row;
    switch (outcome.kind) {
      case 'rejected':
        if (outcome.code === 'duplicate') addLine(this.#duplicates, line, element);
        else this.#rejected.add(outcome.code, outcome.description, line, element);
        this.#rejects?.add({ line, index: element, reason: outcome.code, detail: outcome.detail, fields: outcome.fields });
        return;
      case 'refused':
        this.#refused.add(outcome.code, outcome.description, line, element);
        this.#writeSent(row, outcome.code, outcome.detail, outcome.sent);
        return;
      case 'not-delivered':
        addLine(this.#notDelivered, line, element);
        this.#notDeliveredCauses.set(outcome.description, (this.#notDeliveredCauses.get(outcome.description) ?? 0) + 1);
        this.#writeSent(row, 'not_delivered', outcome.description, outcome.sent);
        return;
      case 'unconfirmed': {
        addLine(this.#unconfirmed, line, element);
        const detail = `Sent in Klaviyo import job ${outcome.jobId}, which was not followed to its end; run the same command again to follow it up.`;
        if (this.#late) this.#late.add({ line, element, reason: 'unconfirmed', detail });
        // From standard input: parsing every request body back would cost more than it tells.
        else this.#rejects?.add({ line, index: element, reason: 'unconfirmed', detail, fields: {} });
        return;
      }
      case 'kept-opted-out':
        // In the list as asked; only its consent was left alone, which the summary says.
        this.#kept.add(`${outcome.channel}_${outcome.reason}`, outcome.description, line, element);
        return;
      case 'subscribe-refused':
        this.#subscribeRefused.add(outcome.code, outcome.description, line, element);
        this.#writeEmail(row, 'subscribe_refused', outcome.detail, outcome.email);
        return;
      case 'subscribe-uncertain':
        // Not a row to fix: the summary says what happened to it.
        addLine(this.#subscribeUncertain, line, element);
        return;
      case 'not-subscribed':
        addLine(this.#notSubscribed, line, element);
        if (outcome.cause === 'failed') this.#writeEmail(row, 'subscribe_failed', outcome.detail, outcome.email);
        return;
    }
  }

  /** Profiles a finished job counted as failed, or did not account for, without saying which. */
  recordUnnamedRefusals(count: number): void {
    this.#refusedWithoutDetail += count;
  }

  /**
   * Writes the rows of later stages with their original columns, read again from `source`, then
   * closes the rejects file. Once: a second call (the way out of a failed run) does nothing.
   */
  async writeRejects(source: ReadSegmentOptions): Promise<void> {
    if (this.#rejects && this.#late && this.#mapping && !this.#late.isWritten) {
      await this.#late.writeTo(this.#rejects, source, this.#mapping.emailColumn);
    }
    this.#rejects?.close();
  }

  /** Closes the rejects file as it is (idempotent): a run that fails still leaves what it wrote. */
  closeRejects(): void {
    this.#rejects?.close();
  }

  scanOutcomes(): ScanOutcomes {
    return { rejected: this.#rejected.total, rejectedByReason: this.#rejected.toList(), duplicates: this.#duplicates };
  }

  deliveryOutcomes(): DeliveryOutcomes {
    return {
      refusedByKlaviyo: this.#refused.toList(),
      refused: this.#refused.total + this.#refusedWithoutDetail,
      refusedWithoutDetail: this.#refusedWithoutDetail,
      notDelivered: sortedLines(this.#notDelivered),
      notDeliveredCauses: [...this.#notDeliveredCauses]
        .map(([description, count]) => ({ description, count }))
        .sort((a, b) => b.count - a.count),
      unconfirmed: sortedLines(this.#unconfirmed),
    };
  }

  consentOutcomes(): ConsentOutcomes {
    return {
      keptOptedOut: this.#kept.toList(),
      keptOptedOutCount: this.#kept.total,
      refusedByKlaviyo: this.#subscribeRefused.toList(),
      refused: this.#subscribeRefused.total,
      notSubscribed: this.#notSubscribed,
      uncertain: this.#subscribeUncertain,
    };
  }

  #writeSent(row: RowRef, reason: string, detail: string, sent: SentProfile | undefined): void {
    const email = sent?.attributes?.email;
    if (this.#late) this.#late.add({ ...row, reason, detail, email: typeof email === 'string' ? email : undefined });
    else if (this.#rejects) {
      const fields = this.#mapping ? attributesToFields(sent?.attributes, this.#mapping) : {};
      this.#rejects.add({ line: row.line, index: row.element, reason, detail, fields });
    }
  }

  #writeEmail(row: RowRef, reason: string, detail: string, email: string): void {
    if (this.#late) this.#late.add({ ...row, reason, detail, email });
    else if (this.#rejects) {
      const fields = this.#mapping ? { [this.#mapping.emailColumn]: email } : {};
      this.#rejects.add({ line: row.line, index: row.element, reason, detail, fields });
    }
  }
}

/** Batches finish out of order: a person reads the lines best in file order. */
function sortedLines(list: LineList): LineList {
  const ascending = (a: number, b: number) => a - b;
  return {
    count: list.count,
    lines: [...list.lines].sort(ascending),
    ...(list.elements ? { elements: [...list.elements].sort(ascending) } : {}),
  };
}

/**
 * The ledger of a run over `input`, with its rejects file when `rejectsPath` is given: created now,
 * so that a path that cannot be written fails before anything is read or sent. With
 * `hasLaterStages` (a push), rows that delivery or the consent step do not deliver get their
 * original columns from the file once the run ends, unless it is standard input.
 */
export function openRowLedger(options: {
  readonly rejectsPath: string | undefined;
  /** Instead of a file at `rejectsPath` (`--rejects -`). */
  readonly rejectsOutput?: RowsOutput | undefined;
  readonly input: SegmentInput;
  readonly hasLaterStages: boolean;
  readonly observe?: (row: RowRef, outcome: RowOutcome) => void;
}): RowLedger {
  const target = options.rejectsOutput ?? options.rejectsPath;
  const rejects = target === undefined ? undefined : new RejectsFile(target, options.input);
  const late = rejects && options.hasLaterStages && options.input !== '-' ? new LateRejects() : undefined;
  return new RowLedger({ rejects, late, ...(options.observe ? { observe: options.observe } : {}) });
}
