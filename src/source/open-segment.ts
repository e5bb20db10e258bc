import { InternalError, UsageError } from '../errors.js';
import { openByteSource, type ByteSource } from './byte-source.js';
import { COMPRESSION_MAGIC_BYTES, compressionOfName, decompressStream, resolveCompression, type Compression } from './compression.js';
import { checkChunks, ContentDigest } from './checked-chunks.js';
import { readCsv } from './csv-reader.js';
import { detectFormat, knownExtensions } from './detect-format.js';
import { peekStreamHead, sniffStreamFormat, startsWithParquetMagic } from './sniff-format.js';
import { readFileHead } from './parquet/file-head.js';
import { findCdmMetadata, openCdmEntity } from './cdm/cdm-entity.js';
import { openCdmSegment } from './cdm/cdm-segment.js';
import type { FormatReader } from './format-reader.js';
import { resolveEncoding } from './text-encoding.js';
import { readJson } from './json-reader.js';
import { readNdjson } from './ndjson-reader.js';
import { openMultiPartSegment, singleFileSegment, type SegmentFile } from './multi-part-segment.js';
import { resolveSegmentParts, segmentInputName, type SegmentPart } from './segment-parts.js';
import type { ReadSegmentOptions, Segment, SegmentFormat, SourceRecord } from './source-record.js';
import { flattenBatches } from './record-batches.js';

const formatLabels: Readonly<Record<SegmentFormat, string>> = { csv: 'CSV', json: 'JSON', ndjson: 'NDJSON', parquet: 'Parquet' };

/**
 * Opens a segment (a file, stdin for `-`, a folder of parts, several paths, or a CDM folder) and
 * reads just enough to know its columns: the CSV header, or the first JSON object. The returned
 * records stream the rest with backpressure, so memory does not grow with the file. Throws
 * InputFileError for a file that cannot be read (for several files, before any row is read when a
 * part cannot be opened or disagrees with the first).
 */
export async function openSegment(options: ReadSegmentOptions): Promise<Segment> {
  options.signal?.throwIfAborted();
  const single = typeof options.input === 'string' ? options.input : options.input.length === 1 ? options.input[0]! : undefined;
  const cdmMetadata = single === undefined || single === '-' ? undefined : await findCdmMetadata(single);
  if (cdmMetadata !== undefined) return openCdmFolder(cdmMetadata, { ...options, input: single! });
  if (options.entity !== undefined) {
    throw new UsageError(`--entity is for CDM folders; ${segmentInputName(options.input)} holds no model.json or *.manifest.cdm.json.`);
  }
  const resolved = await resolveSegmentParts(options.input);
  if (!resolved.isMultiPart) return singleFileSegment(await openSegmentFile(resolved.parts[0]!, options));
  return openMultiPartSegment(resolved, options, (part, partOptions) => openSegmentFile(part, partOptions, { isPartOfMany: true }));
}

/** How one file is read: the segment's options with the part's own winning. */
interface FileReadOptions extends Omit<ReadSegmentOptions, 'input'> {
  readonly input: string;
  readonly columnNames?: readonly string[];
  /** A part of several files: one whose name tells no format is told by its content (Redshift's `0000_part_00`). */
  readonly isPartOfMany?: boolean;
}

/**
 * Opens one file of a segment: the seam where a part brings its own format, delimiter, header or
 * column names (a headerless partition whose names are in metadata).
 */
export function openSegmentFile(
  part: SegmentPart,
  options: ReadSegmentOptions,
  context: { isPartOfMany?: boolean } = {},
): Promise<SegmentFile> {
  return openFile({
    ...options,
    input: part.path,
    format: part.format ?? options.format,
    delimiter: part.delimiter ?? options.delimiter,
    hasHeader: part.columnNames === undefined ? (part.hasHeader ?? options.hasHeader) : false,
    quoting: part.quoting ?? options.quoting,
    encoding: options.encoding ?? part.encoding,
    ...(part.columnNames === undefined ? {} : { columnNames: part.columnNames }),
    ...(context.isPartOfMany === true ? { isPartOfMany: true } : {}),
  });
}

async function openFile(options: FileReadOptions): Promise<SegmentFile> {
  const { signal } = options;
  const isStdin = options.input === '-';
  const encoding = options.encoding === undefined ? undefined : resolveEncoding(options.encoding);
  // --json-path is for JSON: standard input given with it is read as JSON.
  const impliedFormat = options.jsonArrayPath === undefined ? undefined : 'json';
  // `segment.csv.gz` is CSV: the extension under the compression's tells the format.
  const nameFormat = isStdin ? undefined : formatOfName(options.input);
  // A Parquet file is told by its first bytes (`PAR1`) whatever its name (Spark's `part-00000-<uuid>.c000`).
  const isParquet =
    options.format === 'parquet' ||
    (options.format === undefined && !isStdin && (nameFormat === 'parquet' || startsWithParquetMagic(await readFileHead(options.input))));
  const namedFormat = isParquet ? 'parquet' : (options.format ?? nameFormat ?? impliedFormat);
  if (options.jsonArrayPath !== undefined && namedFormat !== undefined && namedFormat !== 'json') {
    throw new UsageError(`--json-path is for JSON files; ${isStdin ? '<stdin>' : options.input} is ${formatLabels[namedFormat]}.`);
  }
  if (isParquet) return openParquetSegment(options);
  const opened = await openDecompressed(options, signal);
  // A compressed file without a format in its name (`0000_part_00.gz`) is told by its content, as standard input is.
  if (namedFormat === undefined && !isStdin && opened.compression === undefined && options.isPartOfMany !== true) {
    destroyStream(opened.stream);
    failUnknownFormat(options.input);
  }
  // Standard input has no name to tell its format by: its first bytes tell it.
  const sniffed = namedFormat === undefined ? await sniffWithAbort(opened.stream, signal, encoding) : undefined;
  const format = namedFormat ?? sniffed!.format;
  if (format === 'parquet') {
    destroyStream(opened.stream);
    throw new UsageError(
      `${opened.displayName} is Parquet, which is read from a file (its footer, at the end, says where the rows are): save it to a file and give its path.`,
    );
  }
  if (options.quoting === 'none' && format !== 'csv') {
    destroyStream(opened.stream);
    throw new UsageError(`--quote none is for CSV files; ${opened.displayName} is ${formatLabels[format]}.`);
  }
  if (options.hasHeader === false && options.columnNames === undefined && format !== 'csv') {
    destroyStream(opened.stream);
    throw new UsageError(`--no-header is for CSV files; ${opened.displayName} is ${formatLabels[format]}, whose objects name their keys.`);
  }
  const source: ByteSource = { displayName: opened.displayName, stream: sniffed ? sniffed.stream : opened.stream };
  // The reading code sees this error; callers see `signal.reason`, rethrown below.
  const abortReading = (): void => destroyStream(source.stream, new Error('The read was aborted.'));
  try {
    signal?.throwIfAborted(); // it may have fired while the file was opening
  } catch (reason) {
    abortReading();
    throw reason;
  }
  signal?.addEventListener('abort', abortReading, { once: true });

  const digest = new ContentDigest();
  const chunks = checkChunks(source, { displayName: source.displayName, formatLabel: formatLabels[format], digest, encoding });
  const reader = startReader(format, chunks, options, source.displayName);
  const releaseSource = (): void => {
    signal?.removeEventListener('abort', abortReading);
    destroyStream(source.stream);
  };
  let first: IteratorResult<readonly SourceRecord[], void>;
  try {
    first = await reader.batches.next();
  } catch (error) {
    releaseSource();
    throw signal?.aborted === true ? signal.reason : error;
  }
  return {
    displayName: source.displayName,
    format,
    columns: reader.columns,
    ...streamRecords(first, reader, signal, releaseSource),
    contentDigest: () => digest.value(),
  };
}

/**
 * A Common Data Model folder (or its metadata file): the entity's partitions, resolved inside the
 * folder, read as one segment with the metadata's column names.
 */
async function openCdmFolder(metadataFile: string, options: ReadSegmentOptions & { readonly input: string }): Promise<Segment> {
  const entity = await openCdmEntity(metadataFile, options.entity === undefined ? {} : { entity: options.entity });
  return openCdmSegment(entity, options.input, options, (part, partOptions) => openSegmentFile(part, partOptions));
}

/**
 * A Parquet file: its footer is read and checked at once (a damaged file fails here, before any
 * row), then its rows stream a row group (or a slice of one) at a time.
 */
async function openParquetSegment(options: FileReadOptions): Promise<SegmentFile> {
  const { signal } = options;
  const displayName = options.input;
  if (options.hasHeader === false) {
    throw new UsageError(`--no-header is for CSV files; ${displayName} is Parquet, whose columns are named in the file.`);
  }
  // Loaded only for Parquet: hyparquet and its codecs add a fifth of a second to every start.
  const { openParquetReader } = await import('./parquet/parquet-reader.js');
  const reader = await openParquetReader(options.input, { displayName, ...(signal === undefined ? {} : { signal }) });
  let first: IteratorResult<readonly SourceRecord[], void>;
  try {
    first = await reader.batches.next();
  } catch (error) {
    await reader.batches.return();
    throw signal?.aborted === true ? signal.reason : error;
  }
  return {
    displayName,
    format: 'parquet',
    columns: reader.columns,
    ...streamRecords(first, reader, signal, () => undefined),
    contentDigest: () => reader.contentDigest(),
  };
}

/**
 * The file (or standard input), decompressed when its first bytes or its name say it is
 * compressed (gzip, zlib, brotli); zstd is refused here, before anything is read.
 */
async function openDecompressed(
  options: FileReadOptions,
  signal: AbortSignal | undefined,
): Promise<ByteSource & { readonly compression: Compression | undefined }> {
  const isStdin = options.input === '-';
  const opened = await openByteSource(options.input, () => options.stdin ?? failNoStdin(), COMPRESSION_MAGIC_BYTES);
  const peeked =
    opened.head === undefined
      ? await withAbort(opened.stream, signal, () => peekStreamHead(opened.stream, COMPRESSION_MAGIC_BYTES))
      : undefined;
  const head = peeked?.head ?? opened.head ?? Buffer.alloc(0);
  const stream = peeked?.stream ?? opened.stream;
  const compression = resolveCompression(head, isStdin ? undefined : options.input);
  if (compression === undefined) return { displayName: opened.displayName, stream, compression };
  try {
    return { displayName: opened.displayName, stream: decompressStream(stream, compression, opened.displayName), compression };
  } catch (error) {
    destroyStream(stream);
    throw error;
  }
}

function startReader(format: SegmentFormat, chunks: AsyncIterable<Buffer>, options: FileReadOptions, displayName: string): FormatReader {
  switch (format) {
    case 'csv':
      return readCsv(chunks, {
        displayName,
        delimiter: options.delimiter,
        hasHeader: options.hasHeader,
        ...(options.columnNames === undefined ? {} : { columnNames: options.columnNames }),
        ...(options.quoting === undefined ? {} : { quoting: options.quoting }),
      });
    case 'json':
      return readJson(chunks, { displayName, arrayPath: options.jsonArrayPath });
    case 'ndjson':
      return readNdjson(chunks, { displayName });
    case 'parquet':
      throw new InternalError('Parquet is read by openParquetSegment, not from a stream.');
  }
}

/**
 * `records` and `recordBatches` read the same stream: a caller reads one of them. `peekRecords`
 * reads ahead into a buffer that they give first, so the sample costs no second read.
 */
function streamRecords(
  first: IteratorResult<readonly SourceRecord[], void>,
  reader: FormatReader,
  signal: AbortSignal | undefined,
  releaseSource: () => void,
): Pick<SegmentFile, 'records' | 'recordBatches' | 'peekRecords'> {
  const ahead = new ReadAhead(first, reader);
  const recordBatches = streamBatches(ahead, signal, releaseSource);
  return { recordBatches, records: flattenBatches(recordBatches), peekRecords: (count) => ahead.peek(count) };
}

/** Batches read before they are asked for; an error met while reading ahead waits for its turn. */
class ReadAhead {
  readonly pending: (readonly SourceRecord[])[] = [];
  failure: { error: unknown } | undefined;
  isDone: boolean;

  constructor(
    first: IteratorResult<readonly SourceRecord[], void>,
    readonly reader: FormatReader,
  ) {
    this.isDone = first.done === true;
    if (first.done !== true) this.pending.push(first.value);
  }

  async peek(count: number): Promise<readonly SourceRecord[]> {
    let buffered = this.pending.reduce((sum, batch) => sum + batch.length, 0);
    while (buffered < count && !this.isDone && this.failure === undefined) {
      try {
        const next = await this.reader.batches.next();
        if (next.done === true) this.isDone = true;
        else {
          this.pending.push(next.value);
          buffered += next.value.length;
        }
      } catch (error) {
        this.failure = { error };
      }
    }
    return this.pending.flat().slice(0, count);
  }
}

async function* streamBatches(
  ahead: ReadAhead,
  signal: AbortSignal | undefined,
  releaseSource: () => void,
): AsyncGenerator<readonly SourceRecord[], void, undefined> {
  try {
    for (let batch = ahead.pending.shift(); batch !== undefined; batch = ahead.pending.shift()) {
      signal?.throwIfAborted();
      yield batch;
    }
    if (ahead.failure !== undefined) throw ahead.failure.error;
    if (ahead.isDone) return;
    for await (const batch of ahead.reader.batches) {
      signal?.throwIfAborted();
      yield batch;
    }
    signal?.throwIfAborted();
  } catch (error) {
    throw signal?.aborted === true ? signal.reason : error;
  } finally {
    await ahead.reader.batches.return();
    releaseSource();
  }
}

function destroyStream(stream: NodeJS.ReadableStream, error?: Error): void {
  const destroy: unknown = 'destroy' in stream ? stream.destroy : undefined;
  if (typeof destroy === 'function') (destroy as (error?: Error) => void).call(stream, error);
}

/** Waiting for standard input's first bytes must end on Ctrl-C too. */
function sniffWithAbort(stream: NodeJS.ReadableStream, signal: AbortSignal | undefined, encoding: string | undefined) {
  return withAbort(stream, signal, () => sniffStreamFormat(stream, encoding));
}

async function withAbort<T>(stream: NodeJS.ReadableStream, signal: AbortSignal | undefined, read: () => Promise<T>): Promise<T> {
  const abort = (): void => destroyStream(stream, new Error('The read was aborted.'));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    return await read();
  } catch (error) {
    throw signal?.aborted === true ? signal.reason : error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/**
 * The format a name tells, under any compression extension. A compressed `.json` file is left to
 * its content: BigQuery writes its JSON exports (`export-000000000000.json.gz`) one object a line.
 */
function formatOfName(path: string): SegmentFormat | undefined {
  const { compression, innerName } = compressionOfName(path);
  const format = detectFormat(innerName);
  return compression !== undefined && format === 'json' ? undefined : format;
}

function failUnknownFormat(input: string): never {
  throw new UsageError(
    `Cannot tell the format of ${JSON.stringify(input)} from its name (known: ${knownExtensions.join(' ')}); pass --format csv, json, ndjson or parquet.`,
  );
}

function failNoStdin(): never {
  throw new UsageError('Reading "-" (standard input) needs a stdin stream.');
}
