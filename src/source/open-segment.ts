import { UsageError } from '../errors.js';
import { openByteSource } from './byte-source.js';
import { checkChunks, ContentDigest } from './checked-chunks.js';
import { readCsv } from './csv-reader.js';
import { detectFormat, knownExtensions } from './detect-format.js';
import { sniffStreamFormat } from './sniff-format.js';
import type { FormatReader } from './format-reader.js';
import { readJson } from './json-reader.js';
import { readNdjson } from './ndjson-reader.js';
import type { ReadSegmentOptions, Segment, SegmentFormat, SourceRecord } from './source-record.js';

const formatLabels: Readonly<Record<SegmentFormat, string>> = { csv: 'CSV', json: 'JSON', ndjson: 'NDJSON' };

/**
 * Opens a segment file (or stdin for `-`) and reads just enough to know its columns: the CSV
 * header, or the first JSON object. The returned records stream the rest with backpressure, so
 * memory does not grow with the file. Throws InputFileError for a file that cannot be read.
 */
export async function openSegment(options: ReadSegmentOptions): Promise<Segment> {
  const { signal } = options;
  signal?.throwIfAborted();
  const namedFormat =
    options.format ?? (options.input === '-' ? undefined : (detectFormat(options.input) ?? failUnknownFormat(options.input)));
  const opened = await openByteSource(options.input, () => options.stdin ?? failNoStdin());
  // Standard input has no name to tell its format by: its first bytes tell it.
  const sniffed = namedFormat === undefined ? await sniffWithAbort(opened.stream, signal) : undefined;
  const format = namedFormat ?? sniffed!.format;
  const source = sniffed ? { ...opened, stream: sniffed.stream } : opened;
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
  const chunks = checkChunks(source, { displayName: source.displayName, formatLabel: formatLabels[format], digest });
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

function startReader(format: SegmentFormat, chunks: AsyncIterable<Buffer>, options: ReadSegmentOptions, displayName: string): FormatReader {
  switch (format) {
    case 'csv':
      return readCsv(chunks, { displayName, delimiter: options.delimiter });
    case 'json':
      return readJson(chunks, { displayName });
    case 'ndjson':
      return readNdjson(chunks, { displayName });
  }
}

/** `records` and `recordBatches` read the same stream: a caller reads one of them. */
function streamRecords(
  first: IteratorResult<readonly SourceRecord[], void>,
  reader: FormatReader,
  signal: AbortSignal | undefined,
  releaseSource: () => void,
): Pick<Segment, 'records' | 'recordBatches'> {
  const recordBatches = streamBatches(first, reader, signal, releaseSource);
  return { recordBatches, records: flattenBatches(recordBatches) };
}

async function* streamBatches(
  first: IteratorResult<readonly SourceRecord[], void>,
  reader: FormatReader,
  signal: AbortSignal | undefined,
  releaseSource: () => void,
): AsyncGenerator<readonly SourceRecord[], void, undefined> {
  try {
    if (first.done === true) return;
    yield first.value;
    for await (const batch of reader.batches) {
      signal?.throwIfAborted();
      yield batch;
    }
    signal?.throwIfAborted();
  } catch (error) {
    throw signal?.aborted === true ? signal.reason : error;
  } finally {
    await reader.batches.return();
    releaseSource();
  }
}

async function* flattenBatches(batches: AsyncIterable<readonly SourceRecord[]>): AsyncGenerator<SourceRecord, void, undefined> {
  for await (const batch of batches) for (const record of batch) yield record;
}

function destroyStream(stream: NodeJS.ReadableStream, error?: Error): void {
  const destroy: unknown = 'destroy' in stream ? stream.destroy : undefined;
  if (typeof destroy === 'function') (destroy as (error?: Error) => void).call(stream, error);
}

/** Waiting for standard input's first bytes must end on Ctrl-C too. */
async function sniffWithAbort(stream: NodeJS.ReadableStream, signal: AbortSignal | undefined) {
  const abort = (): void => destroyStream(stream, new Error('The read was aborted.'));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    return await sniffStreamFormat(stream);
  } catch (error) {
    throw signal?.aborted === true ? signal.reason : error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

function failUnknownFormat(input: string): never {
  throw new UsageError(
    `Cannot tell the format of ${JSON.stringify(input)} from its name (known: ${knownExtensions.join(' ')}); pass --format csv, json or ndjson.`,
  );
}

function failNoStdin(): never {
  throw new UsageError('Reading "-" (standard input) needs a stdin stream.');
}
