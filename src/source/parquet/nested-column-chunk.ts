import type { ColumnMetaData, SchemaTree } from 'hyparquet';
import { assembleLists, assembleNested } from 'hyparquet/src/assemble.js';
import { readPage } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel } from 'hyparquet/src/schema.js';
import { ColumnPageError, InternalError } from '../../errors.js';
import { ChunkPages, type ChunkPage, type ChunkSource, type ColumnChunkRows } from './column-chunk.js';
import { parquetParsers } from './parquet-values.js';

type ColumnDecoder = Parameters<typeof readPage>[2];
type DecodedArray = ReturnType<typeof convert>;

const PARSERS = { ...DEFAULT_PARSERS, ...parquetParsers };
/** Rows assembled at a time, so that each row's arrays and objects die young. */
const ASSEMBLE_BLOCK = 1_024;

/** The column's one leaf, when it has exactly one (a list of numbers or text, a struct of one field): else undefined. */
export function singleLeaf(column: SchemaTree): SchemaTree | undefined {
  let node = column;
  while (node.children.length === 1) node = node.children[0]!;
  return node.children.length === 0 ? node : undefined;
}

/**
 * A nested top-level column with a single leaf (a list such as `tags: list<string>`, a repeated
 * field, a struct of one field), read a page at a time as its rows are about to be wanted and
 * assembled 1,024 rows at a time: hyparquet would assemble its whole row group at once, and pyarrow
 * writes a million rows to a row group and no offset index. A page keeps its levels and values;
 * a row may run on from one page into the next (data page v1 allows it), so the rows of a page are
 * complete up to its last, which the next page, or the end of the chunk, completes.
 */
export class NestedColumnChunk implements ColumnChunkRows {
  readonly #pages: ChunkPages;
  readonly #column: SchemaTree;
  readonly #leafPath: string;
  readonly #decoder: ColumnDecoder;
  readonly #rowCount: number;
  readonly #maxDefinitionLevel: number;
  readonly #isRepeated: boolean;
  #dictionary: DecodedArray | undefined;
  /** The levels and values read; those from `#levelAt` and `#valueAt` (the start of a row) are not yet assembled. */
  #definitions: number[] = [];
  #repetitions: number[] = [];
  #values: unknown[] = [];
  #levelAt = 0;
  #valueAt = 0;
  /** Rows that start in `#definitions` (the last of them perhaps not complete). */
  #rowStarts = 0;
  #isEnded = false;
  /** The rows assembled last, from `#blockFirstRow`. */
  #block: unknown[] = [];
  #blockFirstRow = 0;

  private constructor(pages: ChunkPages, column: SchemaTree, leaf: SchemaTree, decoder: ColumnDecoder, rowCount: number) {
    this.#pages = pages;
    this.#column = column;
    this.#leafPath = leaf.path.join('.');
    this.#decoder = decoder;
    this.#rowCount = rowCount;
    this.#maxDefinitionLevel = getMaxDefinitionLevel(decoder.schemaPath);
    this.#isRepeated = getMaxRepetitionLevel(decoder.schemaPath) > 0;
  }

  static open(
    { file, decompressors }: ChunkSource,
    meta: ColumnMetaData,
    column: SchemaTree,
    leaf: SchemaTree,
    root: SchemaTree,
    rowCount: number,
  ): NestedColumnChunk {
    const schemaPath = [root];
    for (let node: SchemaTree | undefined = column; node !== undefined; node = node.children[0]) schemaPath.push(node);
    const decoder: ColumnDecoder = {
      pathInSchema: meta.path_in_schema,
      type: meta.type,
      element: leaf.element,
      schemaPath,
      codec: meta.codec,
      compressors: decompressors.compressors,
      parsers: PARSERS,
    };
    return new NestedColumnChunk(new ChunkPages(file, meta, rowCount), column, leaf, decoder, rowCount);
  }

  async load(rows: number): Promise<void> {
    const wanted = Math.min(rows, this.#rowCount);
    while (this.#blockFirstRow + this.#block.length + this.#completeRows() < wanted && !this.#isEnded) {
      const rowsSoFar = this.#blockFirstRow + this.#block.length + this.#completeRows();
      try {
        const page = await this.#pages.read();
        if (page === undefined) this.#isEnded = true;
        else this.#readPage(page);
      } catch (error) {
        throw new ColumnPageError(rowsSoFar, error);
      }
    }
    const rowsRead = this.#blockFirstRow + this.#block.length + this.#completeRows();
    if (rowsRead < wanted)
      throw new ColumnPageError(rowsRead, new Error(`the column chunk ends after ${rowsRead} of its ${this.#rowCount} rows`));
    if (this.#isEnded && rowsRead > this.#rowCount) {
      throw new ColumnPageError(this.#rowCount, new Error(`its pages hold more than the row group's ${this.#rowCount} rows`));
    }
  }

  valueAt(row: number): unknown {
    if (row < this.#blockFirstRow)
      throw new InternalError(`A nested column's row ${row + 1} was asked for after its block was left: rows must be read in order.`);
    while (row >= this.#blockFirstRow + this.#block.length) this.#assembleBlock();
    return this.#block[row - this.#blockFirstRow];
  }

  /** The rows read that are complete: all but the last, which the next page may continue. */
  #completeRows(): number {
    return this.#isEnded ? this.#rowStarts : Math.max(0, this.#rowStarts - 1);
  }

  #readPage({ header, stored }: ChunkPage): void {
    if (header.type === 'DICTIONARY_PAGE') {
      const reader = { view: new DataView(stored.buffer, stored.byteOffset, stored.byteLength), offset: 0 };
      const { data } = readPage(reader, header, this.#decoder, undefined, undefined, 0);
      if (data !== undefined) this.#dictionary = convert(data, this.#decoder);
      return;
    }
    let page: ReturnType<typeof readDataPage>;
    let encoding: string;
    if (header.type === 'DATA_PAGE' && header.data_page_header !== undefined) {
      const bytes = decompressPage(stored, header.uncompressed_page_size, this.#decoder.codec, this.#decoder.compressors);
      page = readDataPage(bytes, header.data_page_header, this.#decoder);
      encoding = header.data_page_header.encoding;
    } else if (header.type === 'DATA_PAGE_V2' && header.data_page_header_v2 !== undefined) {
      page = readDataPageV2(stored, header, this.#decoder);
      encoding = header.data_page_header_v2.encoding;
    } else {
      throw new Error(`parquet unsupported page type: ${header.type}`);
    }
    if (encoding.endsWith('_DICTIONARY') && this.#dictionary === undefined)
      throw new Error('a dictionary-encoded page comes before any dictionary page');
    const values = convertWithDictionary(
      page.dataPage,
      this.#dictionary,
      encoding as Parameters<typeof convertWithDictionary>[2],
      this.#decoder,
    );
    const levelCount = Math.max(page.repetitionLevels.length, page.definitionLevels?.length ?? 0, this.#isRepeated ? 0 : values.length);
    // hyparquet leaves out the definition levels of a page without nulls: they are all the highest.
    const definitions = page.definitionLevels?.length
      ? page.definitionLevels
      : new Array<number>(levelCount).fill(this.#maxDefinitionLevel);
    // Those assembled already go; what is left is at most the rest of the last slice and a row.
    this.#definitions = this.#definitions.slice(this.#levelAt);
    this.#repetitions = this.#repetitions.slice(this.#levelAt);
    this.#values = this.#values.slice(this.#valueAt);
    this.#levelAt = 0;
    this.#valueAt = 0;
    for (let index = 0; index < definitions.length; index++) {
      this.#definitions.push(definitions[index]!);
      if (this.#isRepeated) {
        const repetition = page.repetitionLevels[index]!;
        this.#repetitions.push(repetition);
        if (repetition === 0) this.#rowStarts++;
      } else this.#rowStarts++;
    }
    for (let index = 0; index < values.length; index++) this.#values.push(values[index]);
  }

  /** Assembles the next rows, up to ASSEMBLE_BLOCK of the complete ones, into `#block`. */
  #assembleBlock(): void {
    const rows = Math.min(ASSEMBLE_BLOCK, this.#completeRows());
    if (rows === 0)
      throw new InternalError(`A nested column's row ${this.#blockFirstRow + this.#block.length + 1} was wanted before it was loaded.`);
    const levelStart = this.#levelAt;
    const levelEnd = this.#levelEnd(rows);
    let valueEnd = this.#valueAt;
    for (let index = levelStart; index < levelEnd; index++) if (this.#definitions[index] === this.#maxDefinitionLevel) valueEnd++;
    const raw = assembleLists(
      [],
      this.#definitions.slice(levelStart, levelEnd),
      this.#isRepeated ? this.#repetitions.slice(levelStart, levelEnd) : [],
      this.#values.slice(this.#valueAt, valueEnd) as DecodedArray,
      this.#decoder.schemaPath,
    );
    this.#levelAt = levelEnd;
    this.#valueAt = valueEnd;
    const subcolumns = new Map<string, DecodedArray>([[this.#leafPath, raw]]);
    assembleNested(subcolumns, this.#column, PARSERS);
    const assembled = subcolumns.get(this.#column.element.name);
    if (assembled === undefined || assembled.length !== rows) throw new Error('the column cannot be assembled from its values');
    this.#rowStarts -= rows;
    this.#blockFirstRow += this.#block.length;
    this.#block = Array.from(assembled as ArrayLike<unknown>);
  }

  /** Where in the levels the row after the next `rows` rows starts. */
  #levelEnd(rows: number): number {
    if (!this.#isRepeated) return this.#levelAt + rows;
    let started = 0;
    for (let index = this.#levelAt; index < this.#repetitions.length; index++) {
      if (this.#repetitions[index] === 0 && started++ === rows) return index;
    }
    return this.#repetitions.length;
  }
}
