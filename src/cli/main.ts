import { CommanderError } from 'commander';
import { loadEnvironment } from '../config/load-environment.js';
import { redactSecret } from '../config/secret.js';
import { describeBug, ExitCode, ExportError, InterruptedError, type ExitCodeValue } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { REPORT_VERSION } from '../report/run-summary.js';
import { publishCiFailure } from './ci-summary.js';
import { buildProgram } from './program.js';
import { listenForInterrupts } from './signals.js';
import { VERSION } from '../version.js';

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
  const env = loadEnvironment(process.cwd(), process.env);
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
    const failure = describeFailure(error, context);
    if (failure === undefined) return ExitCode.success;
    // commander has already printed its own usage errors on stderr.
    if (!failure.isPrintedByCommander) writeFailureLog(context, failure, isJsonLogRequested(argv));
    // With --json, stdout always holds one JSON object, a failed run's included (`jq` needs one).
    if (argv.includes('--json')) writeFailureResult(context, failure);
    const command = argv.slice(2).find((arg) => program.commands.some((candidate) => candidate.name() === arg)) ?? 'usage';
    publishCiFailure(
      context,
      { command, message: failure.message, exitCode: failure.exitCode },
      { isStdoutReserved: argv.includes('--json') || isRejectsToStdout(argv) },
    );
    return failure.exitCode;
  }
}

interface Failure {
  message: string;
  exitCode: ExitCodeValue;
  isPrintedByCommander: boolean;
}

/** One sentence and an exit code for whatever stopped the run; undefined for --help and --version. */
function describeFailure(error: unknown, context: CliContext): Failure | undefined {
  if (error instanceof CommanderError) {
    return error.exitCode === 0
      ? undefined
      : { message: error.message.replace(/^error: /, ''), exitCode: ExitCode.usage, isPrintedByCommander: true };
  }
  const interruption: unknown = context.signal.aborted ? context.signal.reason : undefined;
  const known = error instanceof ExportError ? error : interruption instanceof InterruptedError ? interruption : undefined;
  if (known) return { message: redactSecret(known.message, context.env.apiKey), exitCode: known.exitCode, isPrintedByCommander: false };
  return {
    message: redactSecret(describeBug(error), context.env.apiKey),
    exitCode: ExitCode.internal,
    isPrintedByCommander: false,
  };
}

/** With --log-format json, stderr must stay one JSON object per line, errors included. */
function writeFailureLog(context: CliContext, failure: Failure, isJson: boolean): void {
  const { message, exitCode } = failure;
  context.stderr.write(
    isJson
      ? `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'error', event: 'error', message, exitCode })}\n`
      : `error: ${message}\n`,
  );
}

function writeFailureResult(context: CliContext, failure: Failure): void {
  const result = { version: REPORT_VERSION, outcome: 'failed', exitCode: failure.exitCode, error: failure.message };
  context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** `--rejects -`, `--rejects=-`, `--missing -`: stdout carries that CSV alone. */
function isRejectsToStdout(argv: readonly string[]): boolean {
  return argv.some(
    (arg, i) => arg === '--rejects=-' || arg === '--missing=-' || ((arg === '--rejects' || arg === '--missing') && argv[i + 1] === '-'),
  );
}

/** Read from argv itself: the error may be commander's own, before any option is parsed. */
function isJsonLogRequested(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--log-format=json' || (arg === '--log-format' && argv[i + 1] === 'json'));
}
