import type { SegmentInput } from '../source/source-record.js';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { validateBaseUrl } from './base-url.js';
import { closestName } from './did-you-mean.js';

/**
 * The config file (docs/saved-exports.md): connections (a key's environment variable and the
 * privacy acknowledgment) and exports (a connection, a list, a file and push options). Pure: the
 * file is read by read-config.ts.
 */

/** One push option as an export key: derived from the push command, so new options are picked up. */
export interface ExportOptionSpec {
  /** The push option's long name in camelCase (`--max-per-export` -> `maxPerExport`, `--no-wait` -> `noWait`). */
  readonly key: string;
  /** The command-line flag, e.g. `--max-per-export`. */
  readonly flag: string;
  /** `flag`: true or false; `value`: a string or number; `repeatable`: a list, or an object of `name=value` pairs. */
  readonly kind: 'flag' | 'value' | 'repeatable';
  readonly isRequired: boolean;
  /** Relative paths resolve against the config file's directory. */
  readonly isPath: boolean;
  readonly description: string;
}

export interface ConnectionConfig {
  readonly name: string;
  readonly apiKeyEnv: string;
  readonly baseUrl: string | undefined;
  /** The date (YYYY-MM-DD) someone agreed to the privacy statement; undefined: not agreed. */
  readonly privacyAcknowledged: string | undefined;
}

export interface ExportEntry {
  readonly name: string;
  readonly connection: string;
  /** Absolute: resolved against the config file's directory. Several: the files (or folders) read as one segment. */
  readonly file: SegmentInput;
  /** As written in the file, for listings (several: joined by commas). */
  readonly fileAsWritten: string;
  readonly list: string;
  /** Push option key -> value as written, paths made absolute (`file` and `connection` excluded). */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ExportConfig {
  readonly path: string;
  readonly connections: ReadonlyMap<string, ConnectionConfig>;
  readonly exports: ReadonlyMap<string, ExportEntry>;
}

export const DEFAULT_API_KEY_ENV = 'KLAVIYO_API_KEY';
/** Klaviyo private keys start with `pk_` (https://help.klaviyo.com/hc/en-us/articles/7423954176283). */
const PRIVATE_KEY_PATTERN = /pk_[A-Za-z0-9_]{16,}/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_KEY_PATTERN.test(text);
}

/** The zod schema of the file for these push options; also the source of the shipped JSON Schema. */
export function createConfigSchema(options: readonly ExportOptionSpec[]) {
  const connection = z
    .strictObject({
      apiKeyEnv: z
        .string()
        .regex(ENV_NAME_PATTERN, 'the name of an environment variable, such as KLAVIYO_API_KEY')
        .optional()
        .describe(
          `The environment variable that holds the Klaviyo private API key (default ${DEFAULT_API_KEY_ENV}). Never the key itself.`,
        ),
      baseUrl: z.string().optional().describe('API base URL (default: KLAVIYO_BASE_URL or https://a.klaviyo.com).'),
      privacyAcknowledged: z.iso
        .date('a date such as 2026-11-30')
        .optional()
        .describe('The date someone agreed to the privacy statement (set it with `klaviyo-export connect <name> --acknowledge-privacy`).'),
    })
    .describe('A Klaviyo account: where its key is, and the privacy acknowledgment.');
  const exportShape: Record<string, z.ZodType> = {
    connection: z.string().describe('The connection (a key of `connections`) to send through.'),
    file: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .describe(
        'The segment file (.csv, .json, .ndjson, optionally compressed .gz/.br), a folder of parts, or a list of files read as one segment; relative to this file.',
      ),
  };
  for (const option of options) {
    const value =
      option.kind === 'flag'
        ? z.boolean()
        : option.kind === 'value'
          ? z.union([z.string(), z.number()], {
              error: (issue) => (issue.input === undefined ? 'required' : 'expected a string or a number'),
            })
          : z.union([z.array(z.string()), z.record(z.string(), z.string())], {
              error: (issue) =>
                issue.input === undefined ? 'required' : 'expected an object of name: value strings, or a list of "name=value" strings',
            });
    exportShape[option.key] = (option.isRequired ? value : value.optional()).describe(`${option.flag}: ${option.description}`);
  }
  const exportSchema = z.strictObject(exportShape).describe('A saved export: `klaviyo-export run <name>` runs it as `push` would.');
  return z
    .strictObject({
      $schema: z.string().optional(),
      connections: z.record(z.string(), connection),
      exports: z.record(z.string(), exportSchema),
    })
    .describe('klaviyo-export saved connections and exports');
}

/** The JSON Schema for editors (`"$schema"` in the file), generated from the same zod schema. */
export function createConfigJsonSchema(options: readonly ExportOptionSpec[]): unknown {
  return z.toJSONSchema(createConfigSchema(options), { io: 'input' });
}

/**
 * Checks a parsed config file and resolves its relative paths against `path`'s directory. Throws
 * one UsageError (exit 2) listing every problem as `json.path: what is wrong`, one per line.
 */
export function validateConfig(json: unknown, path: string, options: readonly ExportOptionSpec[]): ExportConfig {
  const secrets = findPrivateKeys(json, []);
  if (secrets.length > 0) throw literalKeyError(path, secrets.map(formatPath).join(', '));
  const result = createConfigSchema(options).safeParse(json, {
    error: (issue) => (issue.input === undefined && issue.code !== 'unrecognized_keys' ? 'required' : undefined),
  });
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(issue, options));
    throw invalidConfigError(path, problems);
  }
  const data = result.data as {
    connections: Record<string, { apiKeyEnv?: string; baseUrl?: string; privacyAcknowledged?: string }>;
    exports: Record<string, Record<string, unknown>>;
  };
  const directory = resolve(path, '..');
  const connections = new Map<string, ConnectionConfig>();
  for (const [name, connection] of Object.entries(data.connections)) {
    if (!NAME_PATTERN.test(name)) problems.push(`${formatPath(['connections', name])}: ${NAME_RULE}`);
    if (connection.baseUrl !== undefined) {
      try {
        validateBaseUrl(connection.baseUrl);
      } catch (error) {
        problems.push(`${formatPath(['connections', name, 'baseUrl'])}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    connections.set(name, {
      name,
      apiKeyEnv: connection.apiKeyEnv ?? DEFAULT_API_KEY_ENV,
      baseUrl: connection.baseUrl,
      privacyAcknowledged: connection.privacyAcknowledged,
    });
  }
  const exports = new Map<string, ExportEntry>();
  for (const [name, entry] of Object.entries(data.exports)) {
    if (!NAME_PATTERN.test(name)) problems.push(`${formatPath(['exports', name])}: ${NAME_RULE}`);
    const { connection, file, ...rest } = entry as { connection: string; file: string | string[] } & Record<string, unknown>;
    if (!connections.has(connection)) {
      const known = [...connections.keys()];
      const suggestion = closestName(connection, known);
      problems.push(
        `${formatPath(['exports', name, 'connection'])}: no connection named "${connection}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known: ${known.join(', ') || 'none'}`,
      );
    }
    const resolved: Record<string, unknown> = {};
    for (const option of options) {
      const value = rest[option.key];
      if (value === undefined) continue;
      // `-` is standard output on the command line; saved exports share it, labelled by name, so a path is required.
      if (option.isPath && value === '-')
        problems.push(`${formatPath(['exports', name, option.key])}: "-" (standard output) is for the command line; give a file path`);
      resolved[option.key] = option.isPath && typeof value === 'string' ? resolve(directory, value) : value;
    }
    exports.set(name, {
      name,
      connection,
      file: typeof file === 'string' ? resolveIn(directory, file) : file.map((path) => resolveIn(directory, path)),
      fileAsWritten: typeof file === 'string' ? file : file.join(', '),
      list: typeof rest.list === 'string' || typeof rest.list === 'number' ? String(rest.list) : '',
      options: resolved,
    });
  }
  if (problems.length > 0) throw invalidConfigError(path, problems);
  return { path, connections, exports };
}

const NAME_RULE = 'a name of letters, digits, "-", "_" and "." (at most 64), starting with a letter or digit';

export function literalKeyError(path: string, where: string): UsageError {
  return new UsageError(
    `${path}: ${where} holds what looks like a Klaviyo private API key. Keys must not be written in the config file: remove it (revoke it if the file was shared or committed) and name the environment variable that holds it with "apiKeyEnv".`,
  );
}

function invalidConfigError(path: string, problems: readonly string[]): UsageError {
  return new UsageError(`${path} is not valid:\n  ${problems.join('\n  ')}`);
}

/** One line per problem; an unknown key gets a did-you-mean from the keys allowed at its place. */
function describeIssue(issue: z.core.$ZodIssue, options: readonly ExportOptionSpec[]): string[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path, options);
    return issue.keys.map((key) => {
      const suggestion = closestName(key, allowed);
      return `${formatPath([...issue.path, key])}: unknown key${suggestion ? `; did you mean "${suggestion}"?` : ''} (allowed: ${allowed.join(', ')})`;
    });
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

function allowedKeysAt(path: readonly PropertyKey[], options: readonly ExportOptionSpec[]): string[] {
  if (path.length === 0) return ['$schema', 'connections', 'exports'];
  if (path[0] === 'connections') return ['apiKeyEnv', 'baseUrl', 'privacyAcknowledged'];
  return ['connection', 'file', ...options.map((option) => option.key)];
}

/** `exports.vip.list`; a key that is not an identifier is quoted: `exports["my export"].list`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the top level)';
  return path
    .map((part, i) =>
      typeof part === 'number'
        ? `[${part}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(part))
          ? `${i === 0 ? '' : '.'}${String(part)}`
          : `[${JSON.stringify(String(part))}]`,
    )
    .join('');
}

/** Paths of every key or string value that looks like a private key (never the value itself). */
function findPrivateKeys(value: unknown, path: PropertyKey[]): PropertyKey[][] {
  if (typeof value === 'string') return looksLikePrivateKey(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => findPrivateKeys(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      looksLikePrivateKey(key) ? [[...path, '(a key name)']] : findPrivateKeys(item, [...path, key]),
    );
  }
  return [];
}

function resolveIn(directory: string, path: string): string {
  return isAbsolute(path) ? path : resolve(directory, path);
}
