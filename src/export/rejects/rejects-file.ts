import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { InputFileError } from '../../errors.js';
import { checkOutputPath } from './output-path.js';
import { formatRejectRow, formatRejectsHeader, type RejectsLayout } from '../../report/rejects-csv.js';

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
 * path that cannot be written fails the run before anything is read or sent.
 */
export class RejectsFile {
  readonly #path: string;
  readonly #fd: number;
  #columns: readonly string[] = [];
  #mayColumnsGrow = false;
  #hasElement = false;
  /** Fixed when the header is written. */
  #layout: RejectsLayout | undefined;
  #buffer: string[] = [];
  #bufferedBytes = 0;
  #rows = 0;
  #isHeaderWritten = false;
  #isClosed = false;

  /** `inputPath` is the segment being read ('-' for standard input): the rejects file must not be it. */
  constructor(path: string, inputPath?: string) {
    this.#path = path;
    checkOutputPath(path, 'rejects file', inputPath);
    try {
      // It holds personal data: readable by its owner only, an existing file included.
      this.#fd = openSync(path, 'w', 0o600);
      fchmodSync(this.#fd, 0o600);
    } catch (error) {
      throw new InputFileError(path, {}, `cannot write the rejects file (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
        cause: error,
      });
    }
  }

  get path(): string {
    return this.#path;
  }

  get rows(): number {
    return this.#rows;
  }

  /**
   * The source file's columns, known once its header is read. A JSON source may show new keys
   * later: those go to a last `other_fields` column, so that every row keeps the header's shape.
   */
  setColumns(columns: readonly string[], options: { mayGrow: boolean; hasElement?: boolean }): void {
    this.#columns = columns;
    this.#mayColumnsGrow = options.mayGrow;
    this.#hasElement = options.hasElement ?? false;
  }

  add(row: RejectedRowInput): void {
    if (!this.#isHeaderWritten) this.#writeHeader();
    const text = formatRejectRow(row, this.#layout!);
    this.#buffer.push(text);
    this.#bufferedBytes += text.length;
    this.#rows += 1;
    if (this.#bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.#buffer.length === 0) return;
    writeSync(this.#fd, this.#buffer.join(''));
    this.#buffer = [];
    this.#bufferedBytes = 0;
  }

  /** Idempotent: an interrupted run closes it on its way out too. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    if (!this.#isHeaderWritten) this.#writeHeader();
    this.flush();
    closeSync(this.#fd);
  }

  #writeHeader(): void {
    this.#layout = { sourceColumns: [...this.#columns], hasOtherFields: this.#mayColumnsGrow, hasElement: this.#hasElement };
    this.#buffer.unshift(formatRejectsHeader(this.#layout));
    this.#isHeaderWritten = true;
  }
}
