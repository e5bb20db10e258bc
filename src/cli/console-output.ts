import type { TextSink } from './cli-context.js';

export interface OutputMode {
  /** --json: stdout carries one JSON object and nothing else. */
  readonly json: boolean;
  /** -q: only errors. */
  readonly quiet: boolean;
  /** `--rejects -`: stdout carries the rejects CSV, so the human result goes to stderr. */
  readonly isStdoutReserved?: boolean;
}

/** Where each kind of message goes: results to stdout, progress/warnings/errors to stderr. */
export class ConsoleOutput {
  readonly #stdout: TextSink;
  readonly #stderr: TextSink;
  readonly #mode: OutputMode;

  constructor(stdout: TextSink, stderr: TextSink, mode: OutputMode) {
    this.#stdout = stdout;
    this.#stderr = stderr;
    this.#mode = mode;
  }

  get mode(): OutputMode {
    return this.#mode;
  }

  /** The human result (summary, plan); not with --json or --quiet. */
  result(text: string): void {
    if (!this.#mode.json && !this.#mode.quiet) (this.#mode.isStdoutReserved ? this.#stderr : this.#stdout).write(text);
  }

  /** The machine result, with --json only. */
  json(value: unknown): void {
    if (this.#mode.json) this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Progress and notices on stderr; not with --quiet. */
  info(line: string): void {
    if (!this.#mode.quiet) this.#stderr.write(`${line}\n`);
  }

  warn(line: string): void {
    if (!this.#mode.quiet) this.#stderr.write(`warning: ${line}\n`);
  }

  error(line: string): void {
    this.#stderr.write(`error: ${line}\n`);
  }
}
