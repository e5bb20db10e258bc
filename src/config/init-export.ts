import { basename, extname } from 'node:path';
import { looksLikePrivateKey } from './export-config.js';

/**
 * What `init` learned, by questions or by flags, and the config file it makes of it. Pure: the
 * questions are in src/cli/init-questions.ts, the flags in src/cli/init-flags.ts.
 */
export interface InitAnswers {
  readonly connectionName: string;
  readonly apiKeyEnv: string;
  /** Saved in the connection when it is not Klaviyo's: the URL the key was checked against. */
  readonly baseUrl: string | undefined;
  /** The date agreed to the privacy statement now; undefined when the connection already has one. */
  readonly privacyAcknowledged: string | undefined;
  readonly exportName: string;
  readonly listId: string;
  /** As it goes into the file: relative to the config file's directory, or absolute. */
  readonly file: string;
  readonly emailField: string;
  /** field -> column, the file's own spelling of each column. */
  readonly map: Readonly<Record<string, string>>;
  /** false: the answer left out fields a push maps by name, so the export maps only `map` (`noDefaultMap`). */
  readonly mapsKnownColumns: boolean;
  readonly defaultCountry: string | undefined;
  /** false: the columns the mapping does not use are not sent as custom properties (`noProperties`). */
  readonly sendsProperties: boolean;
  readonly rejects: string | undefined;
  readonly report: string | undefined;
}

type JsonObject = Record<string, unknown>;

const VARIABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXPORT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** What a person types for "none" at a question with a default. */
export const NO_ANSWER = '-';

/** What is wrong with an answer to "which variable holds the key", or undefined. */
export function checkVariableName(answer: string): string | undefined {
  if (looksLikePrivateKey(answer)) return 'That is a key, not the name of a variable: keys stay out of the file. Enter the variable name.';
  return VARIABLE_PATTERN.test(answer) ? undefined : 'Enter a variable name such as KLAVIYO_API_KEY.';
}

export function checkExportName(answer: string, existing: Readonly<JsonObject>): string | undefined {
  if (!EXPORT_NAME_PATTERN.test(answer)) return 'Use letters, digits, "-", "_" and "." only.';
  return Object.hasOwn(existing, answer) ? `The file already has an export named "${answer}"; choose another name.` : undefined;
}

/** `data/VIP customers.csv` -> `VIP-customers`. */
export function defaultExportName(file: string): string {
  return basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]/g, '-') || 'export';
}

/** `first_name=First Name, location.city=City` (or `-`) -> the `--map` values. */
export function parseMapAnswer(answer: string): string[] {
  if (answer.trim() === NO_ANSWER) return [];
  return answer
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '');
}

/** `--map` values -> field: column. */
export function mapOf(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]));
}

export function mapText(map: Readonly<Record<string, string>>): string {
  return Object.entries(map)
    .map(([field, column]) => `${field}=${column}`)
    .join(', ');
}

/** The config file with the connection added or updated and the export added; the rest of the file as it was. */
export function withInitExport(json: Readonly<JsonObject> | undefined, answers: InitAnswers, schemaPath: string | undefined): JsonObject {
  const connections = (json?.connections ?? {}) as Record<string, JsonObject>;
  const exports = (json?.exports ?? {}) as Record<string, JsonObject>;
  const connection: JsonObject = { ...(connections[answers.connectionName] ?? {}), apiKeyEnv: answers.apiKeyEnv };
  if (answers.baseUrl !== undefined) connection.baseUrl = answers.baseUrl;
  if (answers.privacyAcknowledged !== undefined) connection.privacyAcknowledged = answers.privacyAcknowledged;
  const entry: JsonObject = {
    connection: answers.connectionName,
    list: answers.listId,
    file: answers.file,
    emailField: answers.emailField,
    ...(Object.keys(answers.map).length > 0 ? { map: answers.map } : {}),
    ...(answers.defaultCountry === undefined ? {} : { defaultCountry: answers.defaultCountry }),
    ...(answers.mapsKnownColumns ? {} : { noDefaultMap: true }),
    ...(answers.sendsProperties ? {} : { noProperties: true }),
    ...(answers.rejects === undefined ? {} : { rejects: answers.rejects }),
    ...(answers.report === undefined ? {} : { report: answers.report }),
  };
  return {
    ...(json === undefined && schemaPath !== undefined ? { $schema: schemaPath } : {}),
    ...json,
    connections: { ...connections, [answers.connectionName]: connection },
    exports: { ...exports, [answers.exportName]: entry },
  };
}
