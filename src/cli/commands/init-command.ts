import { ExitCode, UsageError, type ExitCodeValue } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { answersFromFlags, type InitFlags } from '../init-flags.js';
import { askInitAnswers } from '../init-questions.js';
import { openInitConfig, saveInitExport } from '../init-setup.js';
import { createTerminalPrompter, type Prompter } from '../terminal-prompter.js';

export type InitCommandOptions = InitFlags;

/**
 * `init`: a connection and an export written into the config file (created, or extended in place).
 * On a terminal it asks (init-questions.ts); with --yes it takes the flags (init-flags.ts). Either
 * way the key is checked by listing the account's lists before anything is written.
 */
export async function runInit(context: CliContext, options: InitCommandOptions, prompter?: Prompter): Promise<ExitCodeValue> {
  const config = await openInitConfig(context, options);
  let answers;
  if (options.yes) {
    answers = await answersFromFlags(context, config, options);
  } else {
    if (prompter === undefined && !(context.isStdinTerminal && context.isStderrTerminal)) {
      throw new UsageError(
        '`init` asks questions on a terminal; without one, pass --yes with --list and --file (see `klaviyo-export init --help`).',
      );
    }
    const ask = prompter ?? createTerminalPrompter(context.stdin, context.stderr, context.signal);
    try {
      answers = await askInitAnswers(context, config, ask, options);
    } finally {
      ask.close();
    }
    if (answers === undefined) return ExitCode.notDelivered;
  }
  await saveInitExport(config, answers);
  const outputs = [answers.rejects && `rejects in ${answers.rejects}`, answers.report && `report in ${answers.report}`].filter(Boolean);
  context.stderr.write(
    `Saved export "${answers.exportName}" (list ${answers.listId}${outputs.length > 0 ? `, ${outputs.join(', ')}` : ''}) in ${config.path}. Run it with: klaviyo-export run ${answers.exportName}\n`,
  );
  return ExitCode.success;
}
