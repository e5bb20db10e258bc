import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_BASE_URL } from '../config/base-url.js';
import { validateConfig } from '../config/export-config.js';
import { withInitExport, type InitAnswers } from '../config/init-export.js';
import { readConfigText, writeConfigJson } from '../config/read-config.js';
import { Secret } from '../config/secret.js';
import { UsageError } from '../errors.js';
import type { KlaviyoList } from '../klaviyo/klaviyo-client.js';
import { matchColumn, resolveMapping } from '../mapping/mapping-spec.js';
import { proposeMapping } from '../mapping/propose-mapping.js';
import { readSegmentColumns } from '../source/segment-columns.js';
import type { CliContext } from './cli-context.js';
import { configPathOf, type ConfigFileOptions } from './config-file.js';
import { connectClient, connectionFromOptions } from './connection-options.js';
import { CONFIG_SCHEMA_FILE, exportOptionSpecs } from './export-options.js';

type JsonObject = Record<string, unknown>;

/** The config file `init` extends (or creates), as it stands before any question. */
export interface InitConfig {
  readonly path: string;
  readonly directory: string;
  readonly text: string | undefined;
  readonly json: JsonObject | undefined;
  readonly connections: Readonly<Record<string, JsonObject>>;
  readonly exports: Readonly<Record<string, JsonObject>>;
}

/** A file with problems is to be fixed first: extending it would keep them. */
export async function openInitConfig(context: CliContext, options: ConfigFileOptions): Promise<InitConfig> {
  const path = configPathOf(context, options);
  const file = await readConfigText(path);
  if (file !== undefined) validateConfig(file.json, path, exportOptionSpecs());
  const json = file?.json as JsonObject | undefined;
  return {
    path,
    directory: dirname(path),
    text: file?.text,
    json,
    connections: (json?.connections ?? {}) as Record<string, JsonObject>,
    exports: (json?.exports ?? {}) as Record<string, JsonObject>,
  };
}

/** Checks the key in `apiKeyEnv` by listing the account's lists; the base URL it used is saved with the connection when not Klaviyo's. */
export async function listAccountLists(
  context: CliContext,
  apiKeyEnv: string,
  baseUrl: string | undefined,
): Promise<{ lists: KlaviyoList[]; baseUrl: string | undefined }> {
  const key = context.env.variable(apiKeyEnv);
  if (key === undefined) throw new UsageError(`${apiKeyEnv} is not set: set it to the Klaviyo private API key, then run init again.`);
  const connection = connectionFromOptions({ ...context, env: { ...context.env, apiKey: new Secret(key) } }, { baseUrl });
  const client = connectClient(connection, { signal: context.signal });
  const lists: KlaviyoList[] = [];
  for await (const list of client.listLists()) lists.push(list);
  if (lists.length === 0) throw new UsageError('The account has no list: create one in Klaviyo, then run init again.');
  return { lists, baseUrl: connection.baseUrl === DEFAULT_BASE_URL ? undefined : connection.baseUrl };
}

/** A list by its number in `lists` (1-based), its id, or its name (any case). */
export function findList(lists: readonly KlaviyoList[], answer: string): KlaviyoList | undefined {
  const index = /^\d+$/.test(answer) ? Number(answer) - 1 : -1;
  const folded = answer.trim().toLowerCase();
  return lists[index] ?? lists.find((list) => list.id === answer.trim()) ?? lists.find((list) => list.name.toLowerCase() === folded);
}

/** The header (CSV) or the first object's keys (JSON, NDJSON) of the file, relative to the config's directory. */
export function readInitColumns(config: InitConfig, file: string, signal: AbortSignal): Promise<readonly string[]> {
  return readSegmentColumns({ input: resolve(config.directory, file), signal });
}

/** The path as it goes into the file: relative to the config file's directory, unless given absolute. */
export function configRelativePath(config: InitConfig, file: string): string {
  return isAbsolute(file) ? file : relative(config.directory, resolve(config.directory, file));
}

/** What a push would map by default (the one alias table of src/mapping/propose-mapping.ts), the email column left out. */
export function proposeInitMapping(columns: readonly string[], emailField: string): Record<string, string> {
  return proposeMapping(columns.filter((column) => column !== emailField));
}

/**
 * Checks a mapping as a push would resolve it (columns matched regardless of case), and returns
 * it with each column spelled as in the file, and the columns left over as custom properties. A
 * mapping that leaves out a field the push would map by name turns that off (`noDefaultMap`), so
 * that the export sends what was answered.
 */
export function checkInitMapping(
  columns: readonly string[],
  mapping: { emailField: string; maps: readonly string[]; defaultCountry?: string | undefined },
  fileName: string,
): { map: Record<string, string>; propertyColumns: string[]; mapsKnownColumns: boolean } {
  const byName = resolveMapping(columns, { ...mapping, mapsKnownColumns: true, sendsOtherColumns: true }, fileName);
  const mapsKnownColumns = byName.fields.length === mapping.maps.length;
  const resolved = mapsKnownColumns ? byName : resolveMapping(columns, { ...mapping, mapsKnownColumns, sendsOtherColumns: true }, fileName);
  const map: Record<string, string> = {};
  for (const pair of mapping.maps) {
    const field = pair.slice(0, pair.indexOf('=')).trim();
    const column = pair.slice(pair.indexOf('=') + 1).trim();
    map[field] = matchColumn(columns, column) ?? column;
  }
  return { map, propertyColumns: (resolved.propertyColumns ?? []).map((property) => property.column), mapsKnownColumns };
}

/** The one column matching `answer` regardless of case and surrounding spaces, as the file spells it. */
export function matchInitColumn(columns: readonly string[], answer: string): string | undefined {
  return matchColumn(columns, answer);
}

export function todayOf(now: (() => Date) | undefined): string {
  return (now ?? (() => new Date()))().toISOString().slice(0, 10);
}

/** Checks the whole file as `run` will read it, then writes it (its own indentation kept). */
export async function saveInitExport(config: InitConfig, answers: InitAnswers): Promise<void> {
  const schemaPath = relative(config.directory, CONFIG_SCHEMA_FILE);
  const updated = withInitExport(config.json, answers, schemaPath.includes('node_modules') ? schemaPath : undefined);
  validateConfig(updated, config.path, exportOptionSpecs());
  await writeConfigJson(config.path, updated, config.text);
}
