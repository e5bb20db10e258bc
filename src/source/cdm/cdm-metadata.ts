/**
 * The parts of Common Data Model metadata that say where an entity's rows are and how they are
 * written, read from `model.json` and from `*.manifest.cdm.json` with its `<Entity>.cdm.json`
 * documents. Pure: the documents arrive parsed; cdm-folder.ts reads them and finds the files.
 */
import { CdmMetadataError } from '../../errors.js';
import type { CsvQuoting } from '../source-record.js';

/** How one partition (or the files of one pattern) is written. */
export interface PartitionFormat {
  readonly format: 'csv' | 'parquet';
  /** `columnHeaders`: true when the first row names the columns. CDM's default is false. */
  readonly hasHeader: boolean;
  /** The field delimiter; `,` unless the metadata says otherwise. */
  readonly delimiter: string;
  /** `encoding`, when the metadata names one (`UTF-8` as a rule). */
  readonly encoding?: string;
  /** `quoteStyle`: `QuoteStyle.Csv` (the default) quotes fields as RFC 4180 does; `QuoteStyle.None` never quotes. */
  readonly quoting: CsvQuoting;
}

export interface PartitionDeclaration {
  readonly location: string;
  readonly format: PartitionFormat;
}

export interface PartitionPattern {
  readonly rootLocation: string;
  /** A regular expression or glob pattern matched against a file's path below rootLocation, from its `/`. */
  readonly matcher: { readonly regularExpression: string } | { readonly globPattern: string } | undefined;
  readonly format: PartitionFormat;
}

export interface EntityDeclaration {
  readonly name: string;
  /** model.json: the attribute names. A manifest leaves them to the entity document at entityPath. */
  readonly attributes?: readonly string[];
  /** Manifest only: `<Entity>.cdm.json/<Entity>`, relative to the manifest's folder or a corpus path. */
  readonly entityPath?: string;
  readonly partitions: readonly PartitionDeclaration[];
  readonly patterns: readonly PartitionPattern[];
}

export interface ManifestDeclaration {
  readonly entities: readonly EntityDeclaration[];
  /** Manifests that hold more entities, relative to this manifest's folder. */
  readonly subManifests: readonly string[];
}

const CSV_DEFAULTS: PartitionFormat = { format: 'csv', hasHeader: false, delimiter: ',', quoting: 'csv' };

/** model.json: `entities[]` with `attributes[].name` and `partitions[].location`, `fileFormatSettings`. */
export function parseModelJson(document: unknown): ManifestDeclaration {
  const model = asObject(document, 'the document');
  const entities = asArray(model['entities'], 'entities').flatMap((value, index): EntityDeclaration[] => {
    const entity = asObject(value, `entities[${index}]`);
    const type = entity['$type'];
    // A ReferenceEntity points at another model: it has no partitions here.
    if (type !== undefined && type !== 'LocalEntity') return [];
    const name = asString(entity['name'], `entities[${index}].name`);
    const attributes = asArray(entity['attributes'] ?? [], `entities[${index}].attributes`).map((attribute, at) =>
      asString(asObject(attribute, `entities[${index}].attributes[${at}]`)['name'], `entities[${index}].attributes[${at}].name`),
    );
    const partitions = asArray(entity['partitions'] ?? [], `entities[${index}].partitions`).map((partition, at) => {
      const where = `entities[${index}].partitions[${at}]`;
      const fields = asObject(partition, where);
      const location = asString(fields['location'], `${where}.location`);
      return { location, format: modelFileFormat(fields['fileFormatSettings'], location, `${where}.fileFormatSettings`) };
    });
    return [{ name, attributes, partitions, patterns: [] }];
  });
  return { entities, subManifests: [] };
}

function modelFileFormat(value: unknown, location: string, where: string): PartitionFormat {
  if (value === undefined || value === null) return defaultFormat(location);
  const settings = asObject(value, where);
  const type = settings['$type'];
  if (typeof type === 'string' && /parquet/i.test(type)) return { ...CSV_DEFAULTS, format: 'parquet' };
  return csvFormat(
    {
      columnHeaders: settings['columnHeaders'],
      delimiter: settings['delimiter'],
      encoding: settings['encoding'],
      quoteStyle: settings['quoteStyle'],
    },
    where,
  );
}

/** `*.manifest.cdm.json`: `entities[]` with `entityPath`, `dataPartitions[]`, `dataPartitionPatterns[]`. */
export function parseManifest(document: unknown): ManifestDeclaration {
  const manifest = asObject(document, 'the document');
  const entities = asArray(manifest['entities'] ?? [], 'entities').flatMap((value, index): EntityDeclaration[] => {
    const where = `entities[${index}]`;
    const entity = asObject(value, where);
    const type = entity['type'];
    if (type !== undefined && type !== 'LocalEntity') return [];
    const name = asString(entity['entityName'], `${where}.entityName`);
    const entityPath = asString(entity['entityPath'], `${where}.entityPath`);
    const partitions = asArray(entity['dataPartitions'] ?? [], `${where}.dataPartitions`).map((partition, at) => {
      const fields = asObject(partition, `${where}.dataPartitions[${at}]`);
      const location = asString(fields['location'], `${where}.dataPartitions[${at}].location`);
      return { location, format: traitFormat(fields['exhibitsTraits'], location, `${where}.dataPartitions[${at}].exhibitsTraits`) };
    });
    const patterns = asArray(entity['dataPartitionPatterns'] ?? [], `${where}.dataPartitionPatterns`).map((pattern, at) => {
      const path = `${where}.dataPartitionPatterns[${at}]`;
      const fields = asObject(pattern, path);
      const rootLocation = asString(fields['rootLocation'], `${path}.rootLocation`);
      const regularExpression = optionalString(fields['regularExpression'], `${path}.regularExpression`);
      const globPattern = optionalString(fields['globPattern'], `${path}.globPattern`);
      const matcher = regularExpression !== undefined ? { regularExpression } : globPattern !== undefined ? { globPattern } : undefined;
      return { rootLocation, matcher, format: traitFormat(fields['exhibitsTraits'], globPattern ?? '', `${path}.exhibitsTraits`) };
    });
    return [{ name, entityPath, partitions, patterns }];
  });
  const subManifests = asArray(manifest['subManifests'] ?? [], 'subManifests').map((value, index) =>
    asString(asObject(value, `subManifests[${index}]`)['definition'], `subManifests[${index}].definition`),
  );
  return { entities, subManifests };
}

/** `is.partition.format.CSV` (arguments columnHeaders, delimiter, encoding, quoteStyle) or `is.partition.format.parquet`. */
function traitFormat(value: unknown, location: string, where: string): PartitionFormat {
  if (value === undefined || value === null) return defaultFormat(location);
  for (const [index, trait] of asArray(value, where).entries()) {
    const reference = typeof trait === 'string' ? trait : asObject(trait, `${where}[${index}]`)['traitReference'];
    if (typeof reference !== 'string') continue;
    const name = reference.toLowerCase();
    if (name === 'is.partition.format.parquet') return { ...CSV_DEFAULTS, format: 'parquet' };
    if (name !== 'is.partition.format.csv' || typeof trait === 'string') continue;
    const argumentsByName: Record<string, unknown> = {};
    for (const argument of asArray(asObject(trait, `${where}[${index}]`)['arguments'] ?? [], `${where}[${index}].arguments`)) {
      if (typeof argument === 'object' && argument !== null && 'name' in argument && typeof argument.name === 'string') {
        argumentsByName[argument.name] = 'value' in argument ? argument.value : undefined;
      }
    }
    return csvFormat(argumentsByName, `${where}[${index}].arguments`);
  }
  return defaultFormat(location);
}

function csvFormat(settings: Record<string, unknown>, where: string): PartitionFormat {
  const columnHeaders = settings['columnHeaders'];
  const hasHeader = columnHeaders === undefined ? false : asBoolean(columnHeaders, `${where}.columnHeaders`);
  const delimiter = settings['delimiter'] === undefined ? ',' : asString(settings['delimiter'], `${where}.delimiter`);
  const encoding = optionalString(settings['encoding'], `${where}.encoding`);
  const quoting = quotingOf(optionalString(settings['quoteStyle'], `${where}.quoteStyle`), `${where}.quoteStyle`);
  return { format: 'csv', hasHeader, delimiter, quoting, ...(encoding === undefined ? {} : { encoding }) };
}

/** `QuoteStyle.Csv` or `QuoteStyle.None` (Power Query's names; `Csv` and `None` alone are read too). */
function quotingOf(quoteStyle: string | undefined, where: string): CsvQuoting {
  const style = quoteStyle?.replace(/^QuoteStyle\./i, '').toLowerCase();
  if (style === undefined || style === 'csv') return 'csv';
  if (style === 'none') return 'none';
  throw new CdmMetadataError(`${where} is ${JSON.stringify(quoteStyle)}, not QuoteStyle.Csv or QuoteStyle.None`);
}

function defaultFormat(location: string): PartitionFormat {
  return /\.parquet$/i.test(location) ? { ...CSV_DEFAULTS, format: 'parquet' } : CSV_DEFAULTS;
}

/**
 * The attribute names of `entityName` in an entity document (`definitions[].hasAttributes`), in
 * order. Attribute groups given inline (`attributeGroupReference.members`) are read in place.
 */
export function parseEntityAttributes(document: unknown, entityName: string): readonly string[] {
  const definitions = asArray(asObject(document, 'the document')['definitions'], 'definitions');
  const index = definitions.findIndex(
    (definition) =>
      typeof definition === 'object' && definition !== null && (definition as Record<string, unknown>)['entityName'] === entityName,
  );
  if (index === -1) throw new CdmMetadataError(`it defines no entity ${JSON.stringify(entityName)}`);
  const definition = asObject(definitions[index], `definitions[${index}]`);
  return attributeNames(definition['hasAttributes'] ?? [], `definitions[${index}].hasAttributes`);
}

function attributeNames(value: unknown, where: string): string[] {
  return asArray(value, where).flatMap((attribute, index) => {
    const at = `${where}[${index}]`;
    if (typeof attribute === 'string') {
      throw new CdmMetadataError(
        `${at} refers to the attribute group ${JSON.stringify(attribute)} by name, which klaviyo-export does not resolve`,
      );
    }
    const fields = asObject(attribute, at);
    const group = fields['attributeGroupReference'];
    if (group !== undefined)
      return attributeNames(asObject(group, `${at}.attributeGroupReference`)['members'], `${at}.attributeGroupReference.members`);
    return [asString(fields['name'], `${at}.name`)];
  });
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CdmMetadataError(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new CdmMetadataError(`${where} is not a list`);
  return value;
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new CdmMetadataError(`${where} is missing or not text`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, where);
}

function asBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  throw new CdmMetadataError(`${where} is ${JSON.stringify(value)}, not true or false`);
}
