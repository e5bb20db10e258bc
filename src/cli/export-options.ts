import { inputPaths } from '../source/segment-parts.js';
import type { SegmentInput } from '../source/source-record.js';
import { segmentInputOf } from './segment-options.js';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { ExportOptionSpec } from '../config/export-config.js';
import { UsageError } from '../errors.js';
import type { PushCommandOptions } from './push/push-options.js';
import { collect } from './option-parsers.js';
import { definePushCommand } from './commands/push-definition.js';

/**
 * A saved export's keys are the push command's own options (read from the command itself, so an
 * option added to `push` is accepted in the file at once), minus those a connection or `run`
 * decides: the key and its URL live in the connection; output and confirmation are run-wide.
 */
const DECIDED_ELSEWHERE: ReadonlySet<string> = new Set([
  'apiKey',
  'baseUrl',
  'revision',
  'json',
  'quiet',
  'verbose',
  'logFormat',
  'yes',
  'dryRun',
  'help',
]);
/** The shipped JSON Schema (written after each build by scripts/write-config-schema.mjs). */
export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL('../klaviyo-export.schema.json', import.meta.url));

/** Options naming a file or directory: relative to the config file's directory. */
const PATH_OPTIONS: ReadonlySet<string> = new Set(['rejects', 'report', 'stateDir']);

export function exportOptionSpecs(): ExportOptionSpec[] {
  const specs: ExportOptionSpec[] = [];
  for (const option of pushCommand().options) {
    if (option.long === undefined) continue;
    const key = camelCase(option.long.slice(2));
    if (DECIDED_ELSEWHERE.has(key)) continue;
    specs.push({
      key,
      flag: option.long,
      kind: option.isBoolean() || option.negate ? 'flag' : option.parseArg === collect ? 'repeatable' : 'value',
      isRequired: option.mandatory,
      isPath: PATH_OPTIONS.has(key),
      description: option.description,
    });
  }
  return specs;
}

/** The push command line an export stands for: its file, then each option the file sets. */
export function pushArgvOf(file: SegmentInput, values: Readonly<Record<string, unknown>>, specs: readonly ExportOptionSpec[]): string[] {
  const argv = [...inputPaths(file)];
  for (const spec of specs) {
    const value = values[spec.key];
    if (value === undefined) continue;
    if (spec.kind === 'flag') {
      // false is every flag's default: no flag on the command line.
      if (value === true) argv.push(spec.flag);
    } else if (spec.kind === 'repeatable') {
      const items = Array.isArray(value) ? value.map(String) : Object.entries(value as object).map(([k, v]) => `${k}=${String(v)}`);
      for (const item of items) argv.push(`${spec.flag}=${item}`);
    } else {
      // `--flag=value`: a value starting with "-" stays a value.
      const text = value as string | number; // the schema allows only these
      argv.push(`${spec.flag}=${text}`);
    }
  }
  return argv;
}

/**
 * Parses a push command line with the push command itself, so that `run` gets exactly the
 * options `push` would (defaults and value checks included). `where` prefixes a refusal.
 */
export function parsePushArgv(argv: readonly string[], where: string): { file: SegmentInput; options: PushCommandOptions } {
  const command = pushCommand();
  let parsed: { file: SegmentInput; options: PushCommandOptions } | undefined;
  command.action((files: string[], options: PushCommandOptions) => {
    parsed = { file: segmentInputOf(files), options };
  });
  try {
    command.parent!.parse(['push', ...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(`${where}: ${error.message.replace(/^error: /, '')}`, { cause: error });
    throw error;
  }
  if (parsed === undefined) throw new UsageError(`${where}: not a push command line.`);
  return parsed;
}

/** A push command alone under a silent root: read for its definition, parsed without running anything. */
function pushCommand(): Command {
  const root = new Command('klaviyo-export').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  return definePushCommand(root.command('push'));
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
