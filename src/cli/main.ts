import { CommanderError } from 'commander';
import { loadEnvironment } from '../config/load-environment.js';
import { redactSecret } from '../config/secret.js';
import { ExitCode, ExportError, InterruptedError, type ExitCodeValue } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { buildProgram } from './program.js';
import { listenForInterrupts } from './signals.js';
import { VERSION } from './version.js';

/** Grace for open handles (keep-alive sockets, a closing server) once the exit code is known. */
const EXIT_GRACE_MS = 3_000;

/** The process boundary: the only function that sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  // `klaviyo-export validate f.csv --json | head` closes the pipe early: that is the reader's
  // choice, not a crash to report with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  // The command reports the stop in its own log format (text or JSON lines).
  const interrupts = listenForInterrupts();
  const env = loadEnvironment(process.cwd());
  const context: CliContext = {
    cwd: process.cwd(),
    env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    isStdinTerminal: Boolean(process.stdin.isTTY),
    isStderrTerminal: Boolean(process.stderr.isTTY),
    signal: interrupts.signal,
    hardSignal: interrupts.hardSignal,
    version: VERSION,
  };
  const code = await runCli(argv, context);
  interrupts.dispose();
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

export async function runCli(argv: string[], context: CliContext): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.success;
  const program = buildProgram(context, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error, context, isJsonLogRequested(argv) ? writeJsonError : writePlainError);
  }
}

type ErrorWriter = (context: CliContext, message: string, exitCode: ExitCodeValue) => void;

const writePlainError: ErrorWriter = (context, message) => {
  context.stderr.write(`error: ${message}\n`);
};

/** With --log-format json, stderr must stay one JSON object per line, errors included. */
const writeJsonError: ErrorWriter = (context, message, exitCode) => {
  context.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', event: 'error', message, exitCode })}\n`);
};

/** Read from argv itself: the error may be commander's own, before any option is parsed. */
function isJsonLogRequested(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--log-format=json' || (arg === '--log-format' && argv[i + 1] === 'json'));
}

function reportError(error: unknown, context: CliContext, write: ErrorWriter): ExitCodeValue {
  if (error instanceof CommanderError) {
    // commander has already printed its message (help, version or a usage error).
    return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
  }
  const interruption = context.signal.aborted ? context.signal.reason : undefined;
  const known = error instanceof ExportError ? error : interruption instanceof InterruptedError ? interruption : undefined;
  if (known) {
    write(context, redactSecret(known.message, context.env.apiKey), known.exitCode);
    return known.exitCode;
  }
  const message = redactSecret(error instanceof Error ? error.message : String(error), context.env.apiKey);
  write(
    context,
    `klaviyo-export stopped on an unexpected error (${message}); this is a bug, please report it with the command you ran (without the API key).`,
    ExitCode.internal,
  );
  return ExitCode.internal;
}
