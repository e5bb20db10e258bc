import type { Environment } from '../config/load-environment.js';

export interface TextSink {
  write(text: string): unknown;
}

/** What a command may touch of the process: injected so that commands can be tested in-process. */
export interface CliContext {
  readonly cwd: string;
  readonly env: Environment;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly isStdinTerminal: boolean;
  readonly isStderrTerminal: boolean;
  /** Aborted on SIGINT/SIGTERM (or the --timeout deadline). */
  readonly signal: AbortSignal;
  /** Aborted on a second SIGINT/SIGTERM: stop waiting for in-flight requests. */
  readonly hardSignal: AbortSignal;
  readonly version: string;
}
