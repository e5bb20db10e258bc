import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { literalKeyError, looksLikePrivateKey, validateConfig, type ExportConfig, type ExportOptionSpec } from './export-config.js';

/** In the working directory unless `--config` or KLAVIYO_EXPORT_CONFIG names another. */
export const DEFAULT_CONFIG_FILE = 'klaviyo-export.json';

/** `--config` wins over KLAVIYO_EXPORT_CONFIG, which wins over ./klaviyo-export.json; relative to `cwd`. */
export function locateConfig(cwd: string, option: string | undefined, fromEnvironment: string | undefined): string {
  return resolve(cwd, option ?? fromEnvironment ?? DEFAULT_CONFIG_FILE);
}

export interface ConfigText {
  readonly path: string;
  readonly text: string;
  readonly json: unknown;
}

/** Reads and parses the file; undefined when it does not exist (init and connect create it). */
export async function readConfigText(path: string): Promise<ConfigText | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`Cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
  }
  return { path, text, json: parseConfigText(path, text) };
}

/** Reads, parses and validates the config file; a missing file is a usage error. */
export async function readConfig(path: string, options: readonly ExportOptionSpec[]): Promise<ExportConfig> {
  const file = await readConfigText(path);
  if (file === undefined) {
    throw new UsageError(
      `No config file at ${path}: create one with \`klaviyo-export init\`, or name it with --config or KLAVIYO_EXPORT_CONFIG.`,
    );
  }
  return validateConfig(file.json, path, options);
}

/**
 * JSON.parse's own message may quote the text around the error, which could be a key: the
 * message says where instead (line and column), and a key anywhere in the text is refused first.
 */
function parseConfigText(path: string, text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const lines = text.split('\n');
    const keyLine = lines.findIndex(looksLikePrivateKey);
    if (keyLine >= 0) throw literalKeyError(path, `line ${keyLine + 1}`);
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const where = position ? locate(text, Number(position[1])) : 'somewhere';
    throw new UsageError(`${path} is not valid JSON (${where}).`, { cause: error });
  }
}

function locate(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * Writes the config back in the file's own indentation, keys in their order (JSON objects keep
 * insertion order; keys that are whole numbers are the exception JavaScript imposes). Atomic: a
 * temporary file renamed over the old one, with the old one's permissions.
 */
export async function writeConfigJson(path: string, json: unknown, previousText: string | undefined): Promise<void> {
  const indent = previousText === undefined ? 2 : (/^[ \t]+(?=")/m.exec(previousText)?.[0] ?? 2);
  const mode = await stat(path).then(
    (info) => info.mode & 0o777,
    () => 0o644,
  );
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(json, null, indent)}\n`, { mode });
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new UsageError(`Cannot write the config file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
  }
}
