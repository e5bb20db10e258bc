import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { InputFileError } from '../../errors.js';
import { prepareOutputPath } from './output-path.js';
import type { SegmentInput } from '../../source/source-record.js';
import type { LocateLine } from '../../report/localize-lines.js';
import { rejectKindOf } from './reject-kind.js';
import type { RejectKind, RejectKindCounts } from '../../report/rejects-written.js';
import { formatRejectRow, formatRejectsHeader, type RejectsLayout, type RowsOutput } from '../../report/rejects-csv.js';

export type { RowsOutput };

const FLUSH_BYTES = 64 * 1024;

export interface RejectedRowInput {
  line: number;
  index?: number;
  reason: string;
  detail: string;
  fields: Readonly<Record<string, unknown>>;
}

/**
 * The --rejects file: every row that was not delivered, with its line, reason and original values.
 * Buffered synchronous writes keep it simple and in order (mode 0600: it holds personal data); the file is created up front so that a
 * path that cannot be written fails the run before anything is read or sent. Its folder is created
 * when missing. Given a RowsOutput instead of a path, it writes the same CSV there.
 */
export class RejectsFile {
  readonly #path: string;
  readonly #write: (text: string) => void;
  readonly #closeTarget: () => void;
  #columns: readonly string[] = [];
  #mayColumnsGrow = false;
  #hasElement = false;
  #locate: LocateLine | undefined;
  /** Fixed when the header is written. */
  #layout: RejectsLayout | undefined;
  #buffer: string[] = [];
  #bufferedBytes = 0;
  #rows = 0;
  readonly #byKind = new Map<RejectKind, number>();
  #isHeaderWritten = false;
  #isClosed = false;

  /** `inputPath` is the segment being read ('-' for standard input): the rejects file must not be it. */
  constructor(target: string | RowsOutput, inputPath?: SegmentInput) {
    if (typeof target !== 'string') {
      this.#path = target.name;
      this.#write = (text) => void target.write(text);
      this.#closeTarget = () => undefined;
      return;
    }
    const path = target;
    this.#path = path;
    prepareOutputPath(path, 'rejects file', inputPath);
    let fd: number;
    try {
      // It holds personal data: readable by its owner only, an existing file included.
      fd = openSync(path, 'w', 0o600);
      fchmodSync(fd, 0o600);
    } catch (error) {
      throw new InputFileError(path, {}, `cannot write the rejects file (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
        cause: error,
      });
    }
    this.#write = (text) => void writeSync(fd, text);
    this.#closeTarget = () => closeSync(fd);
  }

  get path(): string {
    return this.#path;
  }

  get rows(): number {
    return this.#rows;
  }

  /** The rows written, by what the summary calls them (rejected, not delivered, not yet confirmed...). */
  get rowsByKind(): RejectKindCounts {
    return Object.fromEntries(this.#byKind);
  }

  /**
   * The source file's columns, known once its header is read. A JSON source may show new keys
   * later: those go to a last `other_fields` column, so that every row keeps the header's shape.
   */
  setColumns(columns: readonly string[], options: { mayGrow: boolean; hasElement?: boolean; locate?: LocateLine | undefined }): void {
    this.#locate = options.locate;
    this.#columns = columns;
    this.#mayColumnsGrow = options.mayGrow;
    this.#hasElement = options.hasElement ?? false;
  }

  add(row: RejectedRowInput): void {
    if (!this.#isHeaderWritten) this.#writeHeader();
    const position = this.#locate?.(row.line);
    const text = formatRejectRow(position === undefined ? row : { ...row, file: position.file, line: position.line }, this.#layout!);
    this.#buffer.push(text);
    this.#bufferedBytes += text.length;
    this.#rows += 1;
    const kind = rejectKindOf(row.reason);
    this.#byKind.set(kind, (this.#byKind.get(kind) ?? 0) + 1);
    if (this.#bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    this.#write(this.#buffer.join(''));
    this.#buffer = [];
    this.#bufferedBytes = 0;
  }

  /** Idempotent: an interrupted run closes it on its way out too. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    if (!this.#isHeaderWritten) this.#writeHeader();
    this.flush();
    this.#closeTarget();
  }

  #writeHeader(): void {
    this.#layout = {
      sourceColumns: [...this.#columns],
      hasOtherFields: this.#mayColumnsGrow,
      hasElement: this.#hasElement,
      ...(this.#locate === undefined ? {} : { hasFile: true }),
    };
    this.#buffer.unshift(formatRejectsHeader(this.#layout));
    this.#isHeaderWritten = true;
  }
}
