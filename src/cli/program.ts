import { Command, Option } from 'commander';
import type { ExitCodeValue } from '../errors.js';
import type { CliContext } from './cli-context.js';
import { runCheck, type CheckCommandOptions } from './commands/check-command.js';
import { runLists, type ListsCommandOptions } from './commands/lists-command.js';
import { runPush, type PushCommandOptions } from './commands/push-command.js';
import { runSandbox, type SandboxCommandOptions } from './commands/sandbox-command.js';
import { runValidate, type ValidateCommandOptions } from './commands/validate-command.js';
import { addConnectionOptions } from './connection-options.js';
import { DEFAULT_MAX_REMOVALS } from '../export/sync-plan.js';
import { parseDuration, parseLogFormat, parseMaxRemovalsOption, parseMirrorSource, parsePort } from './option-parsers.js';
import { addSegmentOptions } from './segment-options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    success (push: every valid profile confirmed imported)
  1    some profiles not delivered or refused by Klaviyo, no valid row, confirmation
       declined, or --timeout passed
  2    usage or input error: nothing sent
  3    authentication, permission or unknown list: nothing sent
  4    another push to this list holds the lock
  70   internal error (a bug: please report it)
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP)

Environment: KLAVIYO_API_KEY (required for push, lists, check), KLAVIYO_BASE_URL,
KLAVIYO_REVISION, KLAVIYO_EXPORT_STATE_DIR, NO_COLOR; a .env file in the working
directory is read too.`;

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

  addSegmentOptions(
    program
      .command('validate')
      .description('read, map and validate a segment file and print the plan; sends nothing')
      .argument('<file>', 'segment file (.csv, .json, .ndjson), or - for standard input')
      .option('--list <id>', 'the list the push would use (makes request sizes exact)'),
  ).action(async (file: string, options: ValidateCommandOptions) => setExitCode(await runValidate(context, file, options)));

  addConnectionOptions(
    addSegmentOptions(
      program
        .command('push')
        .description('deliver every valid profile of a segment file to a Klaviyo list')
        .argument('<file>', 'segment file (.csv, .json, .ndjson), or - for standard input')
        .requiredOption('--list <id>', 'the Klaviyo list id (find it with `klaviyo-export lists`)'),
    ),
  )
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .option('--dry-run', 'validate and plan only, like `validate`: no network at all')
    .option('--no-wait', 'submit the import jobs and report their ids without waiting for them')
    .option('--state-dir <dir>', 'where the checkpoint and lock live (default: .klaviyo-export in the working directory)')
    .option('--restart', 'ignore an earlier checkpoint and send everything again')
    .addOption(
      new Option('--log-format <format>', 'text, or json for log shippers (one object per line on stderr)')
        .argParser(parseLogFormat)
        .default('text'),
    )
    .addOption(new Option('--timeout <duration>', 'overall deadline, e.g. 15m: then stop like SIGTERM and exit 1').argParser(parseDuration))
    .option('--mirror', 'also remove from the list the members an earlier run put there that are no longer in the file')
    .addOption(
      new Option(
        '--mirror-source <source>',
        'who --mirror removes: state (default: members earlier runs added) or list (every member)',
      ).argParser(parseMirrorSource),
    )
    .addOption(
      new Option('--max-removals <n|p%>', "refuse (exit 2) to remove more members than this, or this share of the list's known members")
        .argParser(parseMaxRemovalsOption)
        .default(DEFAULT_MAX_REMOVALS, '10%'),
    )
    .option('--changed-only', 'send only the profiles that are new or changed since the last confirmed run')
    .action(async (file: string, options: PushCommandOptions) => setExitCode(await runPush(context, file, options)));

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
      .description('check that the API key can push to a list; exit 0 when it can, 3 when not')
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
    .action(async (options: SandboxCommandOptions) => setExitCode(await runSandbox(context, options)));

  return program;
}
