import { Option, type Command } from 'commander';
import { addConnectionOptions } from '../connection-options.js';
import { DEFAULT_MAX_REMOVALS } from '../../export/sync/sync-plan.js';
import { parseDuration, parseLogFormat, parseMaxRemovalsOption, parseMirrorSource } from '../option-parsers.js';
import { addGateOptions, addSegmentOptions, SEGMENT_FILES_ARGUMENT } from '../segment-options.js';
import { addSubscribeOptions } from '../subscribe-options.js';

/**
 * The push command's argument and options, without its action: the program runs it, and a saved
 * export (`run`) parses its options with this same definition, so both accept exactly the same.
 */
export function definePushCommand(command: Command): Command {
  return addSubscribeOptions(definePushOptions(command)).addHelpText('after', PUSH_EXAMPLES);
}

const PUSH_EXAMPLES = `
Examples:
  # check a file first: the plan, the mapping and every rejected row, nothing sent
  klaviyo-export validate customers.csv --rejects rejects.csv

  # find the list id, then push (on a terminal it asks before the first write)
  klaviyo-export lists --name VIP
  klaviyo-export push --list Y6nRLr customers.csv

  # a cron job: no question, a rejects file and a JSON report, a deadline, refuse a cut-short file
  klaviyo-export push --list Y6nRLr customers.csv --yes --rejects out/rejects.csv \\
    --report out/report.json --timeout 30m --min-rows 1000 --max-rejected 5%

  # name the columns yourself (others go as custom properties unless --no-properties)
  klaviyo-export push --list Y6nRLr export.csv --email-field "E-mail" \\
    --map first_name="Given Name" --map phone_number=Mobile --default-country US

  # rehearse against the local sandbox
  klaviyo-export sandbox &   # prints KLAVIYO_BASE_URL and KLAVIYO_API_KEY to export
  klaviyo-export push --list Y6nRLr examples/segment.csv --yes

A push that stops (Ctrl-C, --timeout, a crash) resumes from its checkpoint when the same command is run again.
See docs/first-run.md.`;

function definePushOptions(command: Command): Command {
  return addConnectionOptions(
    addGateOptions(
      addSegmentOptions(
        command
          .description('deliver every valid profile of a segment file to a Klaviyo list')
          .argument('<files...>', SEGMENT_FILES_ARGUMENT)
          .requiredOption('--list <id>', 'the Klaviyo list id (find it with `klaviyo-export lists`)'),
      ),
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
    .addOption(
      new Option(
        '--job-timeout <duration>',
        'how long to follow one Klaviyo import job (e.g. 90s, 30m, 1h); then its profiles stay unconfirmed',
      )
        .argParser(parseDuration)
        .default(30 * 60_000, '30m'),
    )
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
    .option('--changed-only', 'send only the profiles that are new or changed since the last confirmed run');
}
