import { Argument, Command, Option } from 'commander';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from './completion-script.js';
import type { ExitCodeValue } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { runCheck, type CheckCommandOptions } from './commands/check-command.js';
import { runLists, type ListsCommandOptions } from './commands/lists-command.js';
import { definePushCommand } from './commands/push-definition.js';
import { runPush } from './commands/push-command.js';
import type { PushCommandOptions } from './push/push-options.js';
import { runSandbox } from './commands/sandbox-command.js';
import {
  parseImportErrorPayload,
  parseImportErrorPointer,
  parseRate,
  parseRefuseAs,
  parseSeed,
  SANDBOX_FAULTS_HELP,
} from './sandbox/fault-options.js';
import type { SandboxCommandOptions } from './sandbox/sandbox-options-of.js';
import { runValidate, type ValidateCommandOptions } from './commands/validate-command.js';
import { DEFAULT_SAMPLE_SIZE, runVerify, type VerifyCommandOptions } from './commands/verify-command.js';
import { addConnectionOptions } from './connection-options.js';
import { runRun } from './commands/run-command.js';
import type { RunCommandOptions } from './run/run-options.js';
import { runExports, type ExportsCommandOptions } from './commands/exports-command.js';
import { runConnect, type ConnectCommandOptions } from './commands/connect-command.js';
import { runInit, type InitCommandOptions } from './commands/init-command.js';
import { defineInitCommand } from './init-flags.js';
import { addConfigOption } from './config-file.js';
import { parseLogFormat, parsePort, parsePositiveInteger } from './option-parsers.js';
import { addGateOptions, addSegmentOptions, SEGMENT_FILES_ARGUMENT, segmentInputOf } from './segment-options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success (push: every valid profile confirmed imported; verify: every checked row in the list)
  1    some profiles not delivered, refused by Klaviyo or unconfirmed (--job-timeout) (verify: missing from
       the list), no valid row, confirmation declined, a --mirror removal failed, --timeout passed,
       or Klaviyo unreachable
  2    usage or input error (a damaged sync state, more removals than --max-removals, fewer data rows
       than --min-rows (default 1: an empty file), more rejected rows than --max-rejected): nothing sent
  3    authentication, permission or unknown list: nothing sent
  4    another push to this list holds the lock
  70   internal error (a bug: please report it)
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP)

Environment: KLAVIYO_API_KEY (required for push, lists, check), KLAVIYO_BASE_URL,
KLAVIYO_REVISION, KLAVIYO_EXPORT_STATE_DIR, NO_COLOR; a .env file in the working
directory is read too.`;

const COMPLETION_HELP = `
Examples:
  source <(klaviyo-export completion bash)                          # this shell only
  klaviyo-export completion bash > ~/.local/share/bash-completion/completions/klaviyo-export
  klaviyo-export completion zsh > "\${fpath[1]}/_klaviyo-export"     # then restart zsh
  klaviyo-export completion fish > ~/.config/fish/completions/klaviyo-export.fish`;

export function buildProgram(context: CliContext, setExitCode: (code: ExitCodeValue) => void): Command {
  const program = new Command('klaviyo-export')
    .description('Export a customer segment (CSV, JSON or NDJSON) into a Klaviyo list.')
    .version(context.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP);

  addGateOptions(
    addSegmentOptions(
      program
        .command('validate')
        .description('read, map and validate a segment file and print the plan; sends nothing')
        .argument('<files...>', SEGMENT_FILES_ARGUMENT)
        .option('--list <id>', 'the list the push would use (makes request sizes exact)'),
    ),
  ).action(async (files: string[], options: ValidateCommandOptions) =>
    setExitCode(await runValidate(context, segmentInputOf(files), options)),
  );

  definePushCommand(program.command('push')).action(async (files: string[], options: PushCommandOptions) =>
    setExitCode(await runPush(context, segmentInputOf(files), options)),
  );

  addConnectionOptions(
    addSegmentOptions(
      program
        .command('verify')
        .description('check that the rows of a segment file are members of a Klaviyo list; writes nothing')
        .argument('<files...>', SEGMENT_FILES_ARGUMENT)
        .requiredOption('--list <id>', 'the Klaviyo list id'),
    ),
  )
    .addOption(
      new Option(
        '--sample <n>',
        `check a random sample of n valid rows (default ${DEFAULT_SAMPLE_SIZE.toLocaleString('en-US')})`,
      ).argParser(parsePositiveInteger(Number.MAX_SAFE_INTEGER)),
    )
    .option('--all', 'check every valid row (100 emails a request, 750 requests a minute)')
    .addOption(
      new Option('--seed <n>', 'seed of the random sample, to check the same rows again').argParser(parsePositiveInteger(2 ** 32 - 1)),
    )
    .option('--attributes', 'also report members whose mapped fields differ from the file')
    .option('--missing <file.csv>', 'write the missing rows (line and original columns, like --rejects) to push them again')
    .action(async (files: string[], options: VerifyCommandOptions) =>
      setExitCode(await runVerify(context, segmentInputOf(files), options)),
    );

  addConnectionOptions(
    program
      .command('lists')
      .description("list the account's lists (id, name, created) to find a list id")
      .option('--name <text>', 'only lists whose name contains this text')
      .option('--json', 'print JSON'),
  ).action(async (options: ListsCommandOptions) => setExitCode(await runLists(context, options)));

  addConnectionOptions(
    program
      .command('check')
      .description(
        'check, with reads only, that the API key can read the list and follow import jobs (write permission cannot be checked without writing); exit 0, 3 or 1',
      )
      .requiredOption('--list <id>', 'the Klaviyo list id')
      .option('--json', 'print JSON'),
  ).action(async (options: CheckCommandOptions) => setExitCode(await runCheck(context, options)));

  program
    .command('sandbox')
    .description('start a local fake Klaviyo API to rehearse pushes (loopback only by default)')
    .addOption(new Option('--port <n>', 'port to listen on (0 = any free port)').argParser(parsePort).default(4010))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', 'the API key the sandbox accepts (default: a fixed sandbox key)')
    .option('--no-rate-limits', "do not enforce Klaviyo's rate limits")
    .option('--double-opt-in', 'the lists use double opt-in: subscribing sends confirmation emails (see --subscribe)')
    .option('--unsubscribed <file>', 'emails (one a line) of profiles that already unsubscribed, to rehearse --subscribe')
    .addOption(new Option('--cdn-challenge-rate <rate>', 'share of requests (0-1) answered by a CDN challenge page').argParser(parseRate))
    .option('--refuse-emails <file>', 'emails (one a line) that Klaviyo refuses, as --refuse-as says')
    .addOption(
      new Option('--refuse-as <how>', 'a 400 naming the first, all or none of them, or import errors')
        .argParser(parseRefuseAs)
        .default('all'),
    )
    .addOption(new Option('--import-error-pointer <to>', 'data: import errors point only at /data').argParser(parseImportErrorPointer))
    .addOption(
      new Option('--import-error-payload <what>', 'none: import errors carry no original_payload').argParser(parseImportErrorPayload),
    )
    .option('--unknown-job-status <status>', 'jobs report this undocumented status until they are final')
    .addOption(new Option('--seed <n>', 'seed of the fault decisions').argParser(parseSeed))
    .addHelpText('after', SANDBOX_FAULTS_HELP)
    .action(async (options: SandboxCommandOptions) => setExitCode(await runSandbox(context, options)));

  addConfigOption(
    program
      .command('run')
      .description('run saved exports (klaviyo-export.json) by name, each as `push` would')
      .argument('[exports...]', 'export names (see `klaviyo-export exports`)')
      .option('--all', 'run every saved export')
      .option('--json', 'print one JSON object on stdout, keyed by export name')
      .option('-q, --quiet', 'print only errors')
      .option('--verbose', 'print every request, wait and retry on stderr')
      .addOption(new Option('--log-format <format>', 'text, or json for log shippers').argParser(parseLogFormat).default('text')),
  ).action(async (names: string[], options: RunCommandOptions) => setExitCode(await runRun(context, names, options)));

  addConfigOption(
    program
      .command('exports')
      .description('list the saved exports: connection, list, file, and how and when each last ran')
      .option('--json', 'print JSON'),
  ).action(async (options: ExportsCommandOptions) => setExitCode(await runExports(context, options)));

  addConfigOption(
    program
      .command('connect')
      .description('add or update a saved connection; --acknowledge-privacy records the agreement')
      .argument('<name>', 'the connection name')
      .option('--api-key-env <name>', 'the environment variable holding its API key (default KLAVIYO_API_KEY)')
      .option('--base-url <url>', 'API base URL for this connection')
      .option('--acknowledge-privacy', 'agree to the data privacy statement (recorded with the date)'),
  ).action(async (name: string, options: ConnectCommandOptions) => setExitCode(await runConnect(context, name, options)));

  defineInitCommand(program.command('init')).action(async (options: InitCommandOptions) => setExitCode(await runInit(context, options)));

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish), made from these very commands and options')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(COMPLETION_SHELLS))
    .addHelpText('after', COMPLETION_HELP)
    .action((shell: CompletionShell) => {
      context.stdout.write(completionScript(program, shell));
    });

  return program;
}
