import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CdmMetadataError, InputFileError, UsageError } from '../../errors.js';
import { describeOpenError } from '../byte-source.js';
import type { CsvDelimiter, CsvQuoting } from '../source-record.js';
import { parseEntityAttributes, parseManifest, parseModelJson, type EntityDeclaration, type PartitionFormat } from './cdm-metadata.js';
import { classifyUnmatched, matchLocation, type LocationMatch } from './partition-location.js';
import { listDataFiles, partitionMatcher } from './partition-pattern.js';

/** One data file of an entity, with how to read it. */
export interface CdmPart {
  /** The file below the folder as given (absolute when the folder was given so). */
  readonly path: string;
  /** The path below the folder as given, for messages: `segment-export/Segment/part-00001.csv`. */
  readonly displayName: string;
  readonly format: 'csv' | 'parquet';
  /** CSV: whether the first row is a header (`columnHeaders`); the columns are the metadata's either way. */
  readonly hasHeader: boolean;
  readonly delimiter: CsvDelimiter;
  readonly encoding?: string;
  /** `none` for QuoteStyle.None: a `"` is a plain character. */
  readonly quoting: CsvQuoting;
}

/** An entity of a CDM folder, resolved to the files on disk: a segment in several parts. */
export interface CdmEntity {
  readonly name: string;
  /** The metadata file, as messages name it. */
  readonly metadataFile: string;
  /** The attribute names, in order: the columns of every part. */
  readonly columns: readonly string[];
  readonly parts: readonly CdmPart[];
}

export interface OpenCdmEntityOptions {
  /** `--entity`: which entity to read when the folder holds several. */
  readonly entity?: string;
}

const MODEL_JSON = 'model.json';
const MANIFEST_SUFFIX = '.manifest.cdm.json';
const DEFAULT_MANIFEST = `default${MANIFEST_SUFFIX}`;
const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|'];
const MAX_SUBMANIFEST_DEPTH = 8;

export function isCdmMetadataName(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name === MODEL_JSON || name.endsWith(MANIFEST_SUFFIX);
}

/**
 * The CDM metadata file of `input` (a folder or the metadata file itself), or undefined when it is
 * neither a metadata file nor a folder holding one at its top (`model.json`, or a manifest:
 * `default.manifest.cdm.json` first when there are several).
 */
export async function findCdmMetadata(input: string): Promise<string | undefined> {
  const stats = await stat(input).catch(() => undefined);
  if (stats === undefined) return undefined;
  if (stats.isFile()) return isCdmMetadataName(input) ? input : undefined;
  if (!stats.isDirectory()) return undefined;
  const names = (await readdir(input)).sort();
  if (names.includes(MODEL_JSON)) return join(input, MODEL_JSON);
  const manifests = names.filter((name) => name.toLowerCase().endsWith(MANIFEST_SUFFIX));
  if (manifests.length === 0) return undefined;
  if (manifests.length > 1 && !manifests.includes(DEFAULT_MANIFEST)) {
    throw new UsageError(`${input} holds several CDM manifests (${manifests.join(', ')}): give the one to read as the path.`);
  }
  return join(input, manifests.includes(DEFAULT_MANIFEST) ? DEFAULT_MANIFEST : manifests[0]!);
}

interface LocatedEntity {
  readonly declaration: EntityDeclaration;
  /** The folder its relative locations are read from: its manifest's. */
  readonly base: string;
  readonly document: string;
}

/**
 * Reads a CDM folder's metadata and resolves one entity to its files inside the folder. Every
 * problem (a missing partition, a location outside the folder, an entity not named) is one
 * sentence here, before any row is read.
 */
export async function openCdmEntity(metadataFile: string, options: OpenCdmEntityOptions = {}): Promise<CdmEntity> {
  const root = resolve(dirname(metadataFile));
  const rootDisplay = dirname(metadataFile);
  const entities = await readEntities(resolve(metadataFile), metadataFile, 0, new Set());
  if (entities.length === 0) throw new InputFileError(metadataFile, {}, 'declares no entity with data (no LocalEntity)');
  const located = pickEntity(entities, options.entity, metadataFile);
  const { declaration } = located;
  const columns = declaration.attributes ?? (await readAttributes(located, root, metadataFile));
  if (columns.length === 0)
    throw new InputFileError(located.document, {}, `entity ${declaration.name} has no attributes, so its columns have no names`);
  const parts = await resolveParts(located, root, rootDisplay, metadataFile);
  if (parts.length === 0) {
    throw new InputFileError(
      metadataFile,
      {},
      `entity ${declaration.name} has no data partitions: no file in ${rootDisplay} holds its rows`,
    );
  }
  return { name: declaration.name, metadataFile, columns, parts };
}

async function readEntities(path: string, display: string, depth: number, seen: Set<string>): Promise<LocatedEntity[]> {
  if (seen.has(path) || depth > MAX_SUBMANIFEST_DEPTH) return [];
  seen.add(path);
  const document = await readJsonDocument(path, display);
  const manifest = parseDocument(document, display, (json) =>
    basename(path).toLowerCase() === MODEL_JSON ? parseModelJson(json) : parseManifest(json),
  );
  const base = dirname(path);
  const own = manifest.entities.map((declaration) => ({ declaration, base, document: display }));
  const nested: LocatedEntity[] = [];
  for (const sub of manifest.subManifests) {
    nested.push(...(await readEntities(resolve(base, sub), join(dirname(display), sub), depth + 1, seen)));
  }
  return [...own, ...nested];
}

function pickEntity(entities: readonly LocatedEntity[], wanted: string | undefined, metadataFile: string): LocatedEntity {
  const names = entities.map((entity) => entity.declaration.name);
  if (wanted === undefined) {
    if (entities.length === 1) return entities[0]!;
    throw new UsageError(`${metadataFile} holds ${entities.length} entities: ${names.join(', ')}. Pick one with --entity <name>.`);
  }
  const exact = entities.find((entity) => entity.declaration.name === wanted);
  const folded = entities.filter((entity) => entity.declaration.name.toLowerCase() === wanted.toLowerCase());
  const found = exact ?? (folded.length === 1 ? folded[0] : undefined);
  if (found === undefined)
    throw new UsageError(`${metadataFile} has no entity ${JSON.stringify(wanted)}; its entities: ${names.join(', ')}.`);
  return found;
}

/** A manifest's entity keeps its attributes in the document its entityPath names: `Entity.cdm.json/Entity`. */
async function readAttributes(located: LocatedEntity, root: string, metadataFile: string): Promise<readonly string[]> {
  const entityPath = located.declaration.entityPath!;
  const slash = entityPath.lastIndexOf('/');
  const documentLocation = slash === -1 ? entityPath : entityPath.slice(0, slash);
  const entityName = slash === -1 ? located.declaration.name : entityPath.slice(slash + 1);
  const match = await matchLocation(documentLocation, root, located.base, 'file');
  if (match.kind !== 'found') {
    throw new InputFileError(
      metadataFile,
      {},
      `entity ${located.declaration.name}'s definition ${documentLocation} is not in ${dirname(metadataFile)}`,
    );
  }
  const display = join(dirname(metadataFile), relative(root, match.path));
  const document = await readJsonDocument(match.path, display);
  return parseDocument(document, display, (json) => parseEntityAttributes(json, entityName));
}

async function resolveParts(located: LocatedEntity, root: string, rootDisplay: string, metadataFile: string): Promise<CdmPart[]> {
  const { declaration, base } = located;
  const parts: CdmPart[] = [];
  const seen = new Set<string>();
  const add = (path: string, format: PartitionFormat): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const displayName = join(rootDisplay, relative(root, path));
    parts.push({ path: displayName, displayName, ...checkedFormat(format, declaration.name, metadataFile) });
  };
  const matches = await Promise.all(declaration.partitions.map((partition) => matchLocation(partition.location, root, base, 'file')));
  const anchors = new Set(matches.flatMap((match) => (match.kind === 'found' && match.anchor !== undefined ? [match.anchor] : [])));
  declaration.partitions.forEach((partition, index) => {
    const match = matches[index]!;
    if (match.kind === 'found') add(match.path, partition.format);
    else failLocation(partition.location, match, { anchors, root, rootDisplay, metadataFile, entity: declaration.name, what: 'partition' });
  });
  for (const pattern of declaration.patterns) {
    const match = await matchLocation(pattern.rootLocation, root, base, 'directory');
    if (match.kind !== 'found') {
      failLocation(pattern.rootLocation, match, {
        anchors,
        root,
        rootDisplay,
        metadataFile,
        entity: declaration.name,
        what: 'partition pattern root',
      });
    }
    const isMatch = compileMatcher(pattern.matcher, metadataFile, declaration.name);
    for (const file of await listDataFiles(match.path)) if (isMatch(file.below)) add(file.path, pattern.format);
  }
  return parts;
}

interface LocationContext {
  readonly anchors: ReadonlySet<string>;
  readonly root: string;
  readonly rootDisplay: string;
  readonly metadataFile: string;
  readonly entity: string;
  readonly what: string;
}

function failLocation(location: string, match: Exclude<LocationMatch, { kind: 'found' }>, context: LocationContext): never {
  const settled =
    match.kind === 'not-found' && match.expected === undefined
      ? classifyUnmatched(location, context.root, context.anchors, basename(context.root))
      : match;
  const { metadataFile, entity, what, rootDisplay, root } = context;
  if (settled.kind === 'not-found' && settled.expected !== undefined) {
    const expected = join(rootDisplay, relative(root, settled.expected));
    throw new InputFileError(
      metadataFile,
      {},
      `entity ${entity}'s ${what} ${location} is missing: there is no ${expected}. Download the whole folder again.`,
    );
  }
  throw new InputFileError(
    metadataFile,
    {},
    `entity ${entity}'s ${what} ${location} is not inside ${rootDisplay}: klaviyo-export reads only the files of the folder given and never downloads; download the folder that holds it and give that folder's path.`,
  );
}

function compileMatcher(matcher: Parameters<typeof partitionMatcher>[0], metadataFile: string, entity: string): (path: string) => boolean {
  try {
    return partitionMatcher(matcher);
  } catch (error) {
    throw new InputFileError(
      metadataFile,
      {},
      `entity ${entity}'s partition pattern cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function checkedFormat(format: PartitionFormat, entity: string, metadataFile: string): Omit<CdmPart, 'path' | 'displayName'> {
  const delimiter = DELIMITERS.find((candidate) => candidate === format.delimiter);
  if (delimiter === undefined) {
    throw new InputFileError(
      metadataFile,
      {},
      `entity ${entity}'s partitions are delimited by ${JSON.stringify(format.delimiter)}, which klaviyo-export does not read (it reads comma, semicolon, tab and pipe)`,
    );
  }
  return {
    format: format.format,
    hasHeader: format.hasHeader,
    delimiter,
    quoting: format.quoting,
    ...(format.encoding === undefined ? {} : { encoding: format.encoding }),
  };
}

async function readJsonDocument(path: string, display: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new InputFileError(display, {}, describeOpenError(error), { cause: error });
  });
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new InputFileError(display, {}, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
}

function parseDocument<T>(document: unknown, display: string, parse: (json: unknown) => T): T {
  try {
    return parse(document);
  } catch (error) {
    if (!(error instanceof CdmMetadataError)) throw error;
    throw new InputFileError(display, {}, `is not CDM metadata klaviyo-export can read: ${error.message}`, { cause: error });
  }
}
