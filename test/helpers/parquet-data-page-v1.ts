import { gzipSync } from 'node:zlib';
import { parquetMetadata, type ColumnChunk, type CompressionCodec, type FileMetaData, type PageHeader } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

const PAR1 = 0x31524150;

/** hyparquet-writer brings its own copy of hyparquet, whose types are the same shapes under other names. */
type WriterPageHeader = Parameters<typeof writePageHeader>[1];
type WriterMetadata = Parameters<typeof writeMetadata>[1];

/** The bytes as an ArrayBuffer of their own, as hyparquet reads them. */
export function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

/** How a v1 page body is compressed again, per codec a fixture may use. */
const COMPRESS: Readonly<Record<string, (bytes: Uint8Array) => Uint8Array>> = {
  UNCOMPRESSED: (bytes) => bytes,
  SNAPPY: (bytes) => snappyCompress(bytes),
  GZIP: (bytes) => new Uint8Array(gzipSync(bytes)),
};

/**
 * Rewrites a Parquet file's data pages as DATA_PAGE (v1), the page that parquet-mr (Spark, Hive)
 * and pyarrow write by default; hyparquet-writer writes only DATA_PAGE_V2. A v1 page compresses
 * its levels with its values and prefixes the definition levels with their byte length. Dictionary
 * pages are copied as they are; offset and column indexes and statistics are dropped, since the
 * pages move. Codecs: none, snappy, gzip.
 */
export function withDataPageV1(file: Buffer): Buffer {
  const metadata: FileMetaData = parquetMetadata(arrayBufferOf(file));
  const writer = new ByteWriter();
  writer.appendUint32(PAR1);
  const rowGroups = metadata.row_groups.map((group) => {
    const groupStart = writer.offset;
    const columns = group.columns.map((chunk) => rewriteChunk(file, chunk, writer));
    const size = BigInt(writer.offset - groupStart);
    return { ...group, columns, file_offset: BigInt(groupStart), total_byte_size: size, total_compressed_size: size };
  });
  const rewritten: FileMetaData = { ...metadata, row_groups: rowGroups };
  // hyparquet-writer's own finish() leaves metadata_length out: it is not part of the footer.
  delete (rewritten as Partial<FileMetaData>).metadata_length;
  writeMetadata(writer, rewritten as unknown as WriterMetadata);
  writer.appendUint32(PAR1);
  return Buffer.from(writer.getBytes());
}

function rewriteChunk(file: Buffer, chunk: ColumnChunk, writer: ByteWriter): ColumnChunk {
  const meta = chunk.meta_data!;
  const compress = COMPRESS[meta.codec];
  if (compress === undefined) throw new Error(`withDataPageV1 does not recompress ${meta.codec}`);
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunkStart = writer.offset;
  let dictionaryOffset: bigint | undefined;
  let dataOffset: bigint | undefined;
  let uncompressed = 0;
  for (let offset = start; offset < end;) {
    const reader = { view, offset };
    const header = parquetHeader(reader);
    const bodyEnd = reader.offset + header.compressed_page_size;
    const pageStart = BigInt(writer.offset);
    if (header.type === 'DATA_PAGE_V2') {
      uncompressed += writeV1Page(file.subarray(reader.offset, bodyEnd), header, meta.codec, compress, writer);
      dataOffset ??= pageStart;
    } else {
      if (header.type === 'DICTIONARY_PAGE') dictionaryOffset = pageStart;
      else dataOffset ??= pageStart;
      writer.appendBytes(file.subarray(offset, bodyEnd));
      uncompressed += header.uncompressed_page_size;
    }
    offset = bodyEnd;
  }
  const size = BigInt(writer.offset - chunkStart);
  const { statistics: _statistics, encoding_stats: _stats, ...kept } = meta;
  return {
    file_offset: BigInt(chunkStart),
    meta_data: {
      ...kept,
      data_page_offset: dataOffset ?? BigInt(chunkStart),
      ...(dictionaryOffset === undefined ? {} : { dictionary_page_offset: dictionaryOffset }),
      total_compressed_size: size,
      total_uncompressed_size: BigInt(uncompressed),
    },
  };
}

/** Writes one v2 page as v1; returns its uncompressed size. */
function writeV1Page(
  body: Buffer,
  header: PageHeader,
  codec: CompressionCodec,
  compress: (bytes: Uint8Array) => Uint8Array,
  writer: ByteWriter,
): number {
  const v2 = header.data_page_header_v2!;
  const repetitions = body.subarray(0, v2.repetition_levels_byte_length);
  const definitions = body.subarray(repetitions.byteLength, repetitions.byteLength + v2.definition_levels_byte_length);
  const levelsLength = repetitions.byteLength + definitions.byteLength;
  const valuesSize = header.uncompressed_page_size - levelsLength;
  const stored = body.subarray(levelsLength);
  const values = v2.is_compressed === false || valuesSize === 0 ? stored : decompressPage(stored, valuesSize, codec, compressors);
  const plain = new ByteWriter();
  for (const levels of [repetitions, definitions]) {
    if (levels.byteLength === 0) continue;
    plain.appendUint32(levels.byteLength);
    plain.appendBytes(levels);
  }
  plain.appendBytes(values);
  const bytes = plain.getBytes();
  const compressed = compress(bytes);
  const v1Header: PageHeader = {
    type: 'DATA_PAGE',
    uncompressed_page_size: bytes.byteLength,
    compressed_page_size: compressed.byteLength,
    data_page_header: {
      num_values: v2.num_values,
      encoding: v2.encoding,
      definition_level_encoding: 'RLE',
      repetition_level_encoding: 'RLE',
    },
  };
  writePageHeader(writer, v1Header as unknown as WriterPageHeader);
  writer.appendBytes(compressed);
  return bytes.byteLength;
}
