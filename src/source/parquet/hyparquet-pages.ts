import type { ColumnMetaData, SchemaTree } from 'hyparquet';
import type { Compressors } from 'hyparquet-compressors';
import { readPage } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS, type convertWithDictionary } from 'hyparquet/src/convert.js';
import { readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import type { ChunkPage } from './column-chunk.js';
import { parquetParsers } from './parquet-values.js';

/** What hyparquet needs to decode a column's pages (its type is not exported by name). */
export type ColumnDecoder = Parameters<typeof readPage>[2];
export type DecodedArray = ReturnType<typeof convert>;
export type Encoding = Parameters<typeof convertWithDictionary>[2];

/** hyparquet's conversions, with klaviyo-export's for timestamps and dates. */
export const PARSERS = { ...DEFAULT_PARSERS, ...parquetParsers };

/** How hyparquet decodes the pages of the chunk `meta`, whose leaf ends `schemaPath` (root first). */
export function columnDecoder(meta: ColumnMetaData, schemaPath: SchemaTree[], compressors: Compressors): ColumnDecoder {
  return {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: schemaPath.at(-1)!.element,
    schemaPath,
    codec: meta.codec,
    compressors,
    parsers: PARSERS,
  };
}

/** A data page as hyparquet decodes it: its levels and its values before conversion. */
export interface HyparquetDataPage {
  readonly levels: ReturnType<typeof readDataPage>;
  readonly encoding: Encoding;
  /** v2: the page's rows; v1: its values (the rows of a flat column). */
  readonly count: number;
}

/** A dictionary page's entries, converted (timestamps to text...), by hyparquet. */
export function readDictionaryPage({ header, stored }: ChunkPage, decoder: ColumnDecoder): DecodedArray | undefined {
  const reader = { view: new DataView(stored.buffer, stored.byteOffset, stored.byteLength), offset: 0 };
  const { data } = readPage(reader, header, decoder, undefined, undefined, 0);
  return data === undefined ? undefined : convert(data, decoder);
}

/**
 * A data page (v1 or v2) decoded by hyparquet. `decompress` decompresses a v1 page, levels and
 * values together; a v2 page's values are decompressed by `decoder`'s compressors.
 */
export function readDataPageLevels(
  { header, stored }: ChunkPage,
  decoder: ColumnDecoder,
  decompress: (stored: Uint8Array, size: number) => Uint8Array,
): HyparquetDataPage {
  if (header.type === 'DATA_PAGE' && header.data_page_header !== undefined) {
    const bytes = decompress(stored, header.uncompressed_page_size);
    return {
      levels: readDataPage(bytes, header.data_page_header, decoder),
      encoding: header.data_page_header.encoding,
      count: header.data_page_header.num_values,
    };
  }
  if (header.type === 'DATA_PAGE_V2' && header.data_page_header_v2 !== undefined) {
    return {
      levels: readDataPageV2(stored, header, decoder),
      encoding: header.data_page_header_v2.encoding,
      count: header.data_page_header_v2.num_rows,
    };
  }
  throw new Error(`parquet unsupported page type: ${header.type}`);
}
