import type { TextSink } from './cli-context.js';

export type LogFormat = 'text' | 'json';
export type LogFields = Record<
  string,
  string | number | boolean | undefined | readonly string[] | Readonly<Record<string, number | undefined>>
>;

/**
 * Progress and events of a run on stderr. On a terminal: one live line, redrawn. Elsewhere (cron,
 * CI): a few plain lines, or with --log-format json one JSON object per line for log shippers.
 * Callers pass counts and ids only, never personal data or the key.
 */
export class RunLog {
  readonly #stderr: TextSink;
  readonly #format: LogFormat;
  readonly #isLive: boolean;
  readonly #isQuiet: boolean;
  readonly #isVerbose: boolean;
  readonly #now: () => Date;
  #hasLiveLine = false;

  constructor(options: {
    stderr: TextSink;
    format: LogFormat;
    isTerminal: boolean;
    noColor: boolean;
    quiet: boolean;
    /** --verbose: debug events (every request, wait and retry) are printed in text too. */
    verbose?: boolean;
    now?: () => Date;
  }) {
    this.#stderr = options.stderr;
    this.#format = options.format;
    this.#isLive = options.isTerminal && options.format === 'text' && !options.noColor && !options.quiet;
    this.#isQuiet = options.quiet;
    this.#isVerbose = Boolean(options.verbose) && !options.quiet;
    this.#now = options.now ?? (() => new Date());
  }

  /** A milestone: printed as a line in text mode (except debug), as an object in json mode. */
  event(event: string, message: string, fields: LogFields = {}, level: 'debug' | 'info' | 'warn' | 'error' = 'info'): void {
    if (this.#format === 'json') {
      this.#stderr.write(`${JSON.stringify({ timestamp: this.#now().toISOString(), level, event, message, ...fields })}\n`);
      return;
    }
    // Per-request events are for log shippers (and --verbose); a person reads the milestones and the summary.
    if ((level === 'debug' && !this.#isVerbose) || (this.#isQuiet && level !== 'error')) return;
    this.#clearLive();
    const prefix = level === 'warn' ? 'warning: ' : level === 'error' ? 'error: ' : '';
    this.#stderr.write(`${prefix}${message}\n`);
  }

  /** A warning printed even with -q: what a person must see on every run (text), or a `warn` event (json). */
  notice(event: string, message: string, fields: LogFields = {}): void {
    if (this.#format === 'json') return this.event(event, message, fields, 'warn');
    this.#clearLive();
    this.#stderr.write(`warning: ${message}\n`);
  }

  /** An event for log shippers only (json format); a person reads the summary instead. */
  record(event: string, fields: LogFields, level: 'debug' | 'info' | 'warn' | 'error' = 'info'): void {
    if (this.#format !== 'json') return;
    this.#stderr.write(`${JSON.stringify({ timestamp: this.#now().toISOString(), level, event, ...fields })}\n`);
  }

  /** A live status line, only on a terminal; ignored elsewhere (events carry the milestones). */
  live(text: string): void {
    if (!this.#isLive) return;
    this.#stderr.write(`\r\x1b[2K${text}`);
    this.#hasLiveLine = true;
  }

  endLive(): void {
    this.#clearLive();
  }

  #clearLive(): void {
    if (!this.#hasLiveLine) return;
    this.#stderr.write('\r\x1b[2K');
    this.#hasLiveLine = false;
  }
}
