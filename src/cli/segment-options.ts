import type { SegmentInput } from '../source/source-record.js';
import { Command, Option } from 'commander';
import { MAX_PROFILES_PER_EXPORT, MAX_PROFILES_PER_REQUEST } from '../export/batches/batch-limits.js';
import type { SegmentRequest } from '../index.js';
import { resolveSegmentPlan, type SegmentPlan } from '../export/plan/segment-plan.js';
import type { CsvDelimiter, CsvQuoting, SegmentFormat } from '../source/source-record.js';
import type { CliContext } from './cli-context.js';
import { collect, parseDelimiter, parseFormat, parsePercent, parsePositiveInteger, parseRowCount } from './option-parsers.js';
import { STDOUT_PATH, stdoutRows } from './run-outputs.js';

/** The options shared by `validate` and `push`: how to read, map and plan a segment file. */
export interface SegmentCommandOptions {
  format?: SegmentFormat;
  delimiter?: CsvDelimiter;
  encoding?: string;
  /** false with --no-header. */
  header?: boolean;
  quote?: CsvQuoting;
  emailField?: string;
  map?: string[];
  /** false with --no-default-map. */
  defaultMap?: boolean;
  /** false with --no-properties. */
  properties?: boolean;
  jsonPath?: string;
  entity?: string;
  defaultCountry?: string;
  maxPerExport: number;
  batchSize: number;
  rejects?: string;
  report?: string;
  strict?: boolean;
  /** The gates (addGateOptions): push and validate only. */
  minRows?: number;
  allowEmpty?: boolean;
  maxRejected?: number;
  json?: boolean;
  quiet?: boolean;
}

export function addSegmentOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--format <format>',
        'file format: csv, json, ndjson or parquet (default: from the extension, Parquet by its first bytes)',
      ).argParser(parseFormat),
    )
    .addOption(new Option('--delimiter <char>', 'CSV delimiter: , ; | or tab (default: detected)').argParser(parseDelimiter))
    .option('--encoding <label>', "the file's encoding, e.g. windows-1252, iso-8859-15, utf-16le (default: UTF-8, or UTF-16 by its BOM)")
    .option('--no-header', 'CSV without a header line: name columns by number, e.g. --email-field 1 --map first_name=2')
    .addOption(
      new Option(
        '--quote <style>',
        'CSV quoting: csv (a " starts a quoted field) or none (quotes are plain text, as Redshift UNLOAD writes)',
      )
        .choices(['csv', 'none'])
        .default('csv'),
    )
    .option(
      '--email-field <column>',
      'the column holding the email (default: the one column named like "email", else the one holding email addresses)',
    )
    .option(
      '--map <field=column>',
      'map a column to a Klaviyo field, e.g. first_name=First, location.city=City, properties.tier=Tier; JSON: location.city=address.city (repeatable)',
      collect,
    )
    .option('--no-default-map', 'map only what --map names, not the columns named like first_name, Phone, City... (see docs/mapping.md)')
    .option('--no-properties', 'send only the email and mapped fields, not the other columns as custom properties')
    .option('--json-path <key.path>', 'JSON: the key (or dotted path) of the array of profiles, e.g. results or response.customers')
    .option('--entity <name>', 'CDM folder (Customer Insights model.json or *.manifest.cdm.json): the entity to read when it holds several')
    .option('--default-country <code>', 'ISO country for phone numbers written without +country code, e.g. US')
    .addOption(
      new Option('--max-per-export <n>', 'profiles per export, at most 100,000')
        .argParser(parsePositiveInteger(MAX_PROFILES_PER_EXPORT))
        .default(MAX_PROFILES_PER_EXPORT),
    )
    .addOption(
      new Option('--batch-size <n>', 'profiles per import request, at most 10,000')
        .argParser(parsePositiveInteger(MAX_PROFILES_PER_REQUEST))
        .default(MAX_PROFILES_PER_REQUEST),
    )
    .option('--rejects <file.csv>', 'write every rejected row with its line, reason and original values (- for standard output)')
    .option('--report <file.json>', 'write a machine-readable summary (no email addresses)')
    .option('--strict', 'fail (exit 2, nothing sent) when any row is rejected')
    .option('--json', 'print the summary as one JSON object on stdout, nothing else there')
    .option('-q, --quiet', 'print only errors');
}

/**
 * The checks on the file as a whole, before anything is sent (push) or to predict them (validate):
 * each failure is exit 2 with one sentence, nothing sent.
 */
export function addGateOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--min-rows <n>', 'refuse (exit 2, nothing sent) a file with fewer data rows than this; 0 allows an empty file')
        .argParser(parseRowCount)
        .default(1),
    )
    .option('--allow-empty', 'a file with no data row (a header only) is fine: exit 0, nothing sent')
    .addOption(
      new Option(
        '--max-rejected <percent>',
        'refuse (exit 2, nothing sent) when more than this share of the rows is rejected, e.g. 5 or 0.5%',
      ).argParser(parsePercent),
    );
}

/** The help of the segment argument of validate, push and verify. */
export const SEGMENT_FILES_ARGUMENT =
  'segment file (.csv, .json, .ndjson, optionally .gz/.br/.zz), a folder of parts, several files read as one segment, or - for standard input';

/** The files named on the command line: one stays a path (as before), several are one segment. */
export function segmentInputOf(files: readonly string[]): SegmentInput {
  return files.length === 1 ? files[0]! : [...files];
}

/** The library's request for the file named on the command line. */
export function segmentRequestOf(context: CliContext, file: SegmentInput, options: SegmentCommandOptions): SegmentRequest {
  return {
    file,
    stdin: context.stdin,
    format: options.format,
    delimiter: options.delimiter,
    encoding: options.encoding,
    hasHeader: options.header,
    ...(options.quote === 'none' ? { quoting: 'none' as const } : {}),
    emailField: options.emailField,
    map: options.map,
    defaultMap: options.defaultMap,
    properties: options.properties,
    jsonPath: options.jsonPath,
    entity: options.entity,
    defaultCountry: options.defaultCountry,
    maxPerExport: options.maxPerExport,
    batchSize: options.batchSize,
    ...(options.rejects === STDOUT_PATH ? { rejectsOutput: stdoutRows(context) } : { rejectsPath: options.rejects }),
    strict: options.strict,
    minRows: options.minRows,
    allowEmpty: options.allowEmpty,
    maxRejectedPercent: options.maxRejected,
    signal: context.signal,
  };
}

/** The plan the library resolves from the same request: verify reads the file exactly as push does. */
export function segmentPlanOf(context: CliContext, file: SegmentInput, options: SegmentCommandOptions): SegmentPlan {
  return resolveSegmentPlan(segmentRequestOf(context, file, options));
}
