import type { RowGroup, SchemaTree } from 'hyparquet';
import { assembleLists, assembleNested } from 'hyparquet/src/assemble.js';
import { convertWithDictionary } from 'hyparquet/src/convert.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel } from 'hyparquet/src/schema.js';
import { ColumnPageError, InternalError } from '../../errors.js';
import { chunkMetadata, ChunkPages, type ChunkPage, type ChunkSource, type ColumnChunkRows } from './column-chunk.js';
import {
  columnDecoder,
  PARSERS,
  readDataPageLevels,
  readDictionaryPage,
  type ColumnDecoder,
  type DecodedArray,
} from './hyparquet-pages.js';

/** Rows assembled at a time, so that each row's arrays and objects die young. */
const ASSEMBLE_BLOCK = 1_024;

/** One leaf of a nested column: its path (dotted, as hyparquet keys it) and its levels. */
interface Leaf {
  readonly path: string;
  readonly levels: LeafLevels;
}

/**
 * A nested top-level column (a list, a map, a struct), each of its leaves read a page at a time as
 * its rows are about to be wanted, and its rows assembled by hyparquet 1,024 at a time: hyparquet
 * alone would assemble a whole row group at once, and pyarrow writes a million rows to a row
 * group and no offset index. Rows must be asked for one after another, from the first.
 */
export class NestedColumnChunk implements ColumnChunkRows {
  readonly #column: SchemaTree;
  readonly #leaves: readonly Leaf[];
  readonly #rowCount: number;
  /** The rows assembled last, from `#blockFirstRow`. */
  #block: unknown[] = [];
  #blockFirstRow = 0;

  private constructor(column: SchemaTree, leaves: readonly Leaf[], rowCount: number) {
    this.#column = column;
    this.#leaves = leaves;
    this.#rowCount = rowCount;
  }

  /** The column's chunks in `group`, one per leaf; throws when the group lacks one. */
  static open(
    { file, decompressors }: ChunkSource,
    group: RowGroup,
    column: SchemaTree,
    root: SchemaTree,
    rowCount: number,
  ): NestedColumnChunk {
    const leaves = leafPaths(root, column).map((schemaPath) => {
      const leaf = schemaPath.at(-1)!;
      const meta = chunkMetadata(group, leaf.path);
      if (meta === undefined) throw new Error(`the row group has no data for ${leaf.path.join('.')}`);
      const decoder = columnDecoder(meta, schemaPath, decompressors.compressors);
      return { path: leaf.path.join('.'), levels: new LeafLevels(new ChunkPages(file, meta, rowCount), decoder, rowCount) };
    });
    return new NestedColumnChunk(column, leaves, rowCount);
  }

  async load(rows: number): Promise<void> {
    const wanted = Math.min(rows, this.#rowCount);
    const assembled = this.#blockFirstRow + this.#block.length;
    for (const { levels } of this.#leaves) await levels.load(wanted - assembled, assembled);
  }

  valueAt(row: number): unknown {
    if (row < this.#blockFirstRow) {
      throw new InternalError(`A nested column's row ${row + 1} was asked for after its block was left: rows must be read in order.`);
    }
    while (row >= this.#blockFirstRow + this.#block.length) this.#assembleBlock();
    return this.#block[row - this.#blockFirstRow];
  }

  #assembleBlock(): void {
    const rows = Math.min(ASSEMBLE_BLOCK, ...this.#leaves.map(({ levels }) => levels.completeRows()));
    if (rows <= 0)
      throw new InternalError(`A nested column's row ${this.#blockFirstRow + this.#block.length + 1} was wanted before it was loaded.`);
    const subcolumns = new Map<string, DecodedArray>(this.#leaves.map(({ path, levels }) => [path, levels.take(rows)]));
    assembleNested(subcolumns, this.#column, PARSERS);
    const assembled = subcolumns.get(this.#column.element.name);
    if (assembled === undefined || assembled.length !== rows) throw new Error('the column cannot be assembled from its values');
    this.#blockFirstRow += this.#block.length;
    this.#block = Array.from(assembled as ArrayLike<unknown>);
  }
}

/**
 * One leaf of a nested column: its pages read one after another, their levels and values kept
 * until its rows are taken. A row may run on from one page into the next (data page v1 allows
 * it), so the rows read are complete up to the last, which the next page, or the chunk's end,
 * completes.
 */
class LeafLevels {
  readonly #pages: ChunkPages;
  readonly #decoder: ColumnDecoder;
  readonly #rowCount: number;
  readonly #maxDefinitionLevel: number;
  readonly #isRepeated: boolean;
  #dictionary: DecodedArray | undefined;
  /** The levels and values read; those from `#levelAt` and `#valueAt` (the start of a row) are not yet taken. */
  #definitions: number[] = [];
  #repetitions: number[] = [];
  #values: unknown[] = [];
  #levelAt = 0;
  #valueAt = 0;
  /** Rows that start from `#levelAt` (the last of them perhaps not complete). */
  #rowStarts = 0;
  #isEnded = false;

  constructor(pages: ChunkPages, decoder: ColumnDecoder, rowCount: number) {
    this.#pages = pages;
    this.#decoder = decoder;
    this.#rowCount = rowCount;
    this.#maxDefinitionLevel = getMaxDefinitionLevel(decoder.schemaPath);
    this.#isRepeated = getMaxRepetitionLevel(decoder.schemaPath) > 0;
  }

  /** The rows read and not yet taken that are complete: all but the last, which the next page may continue. */
  completeRows(): number {
    return this.#isEnded ? this.#rowStarts : Math.max(0, this.#rowStarts - 1);
  }

  /** Reads pages until `rows` complete rows are ready to be taken (`taken` have been); throws ColumnPageError. */
  async load(rows: number, taken: number): Promise<void> {
    while (this.completeRows() < rows && !this.#isEnded) {
      try {
        const page = await this.#pages.read();
        if (page === undefined) this.#isEnded = true;
        else this.#readPage(page);
      } catch (error) {
        throw new ColumnPageError(taken + this.completeRows(), error);
      }
    }
    const rowsRead = taken + this.completeRows();
    if (this.completeRows() < rows)
      throw new ColumnPageError(rowsRead, new Error(`the column chunk ends after ${rowsRead} of its ${this.#rowCount} rows`));
    if (rowsRead > this.#rowCount)
      throw new ColumnPageError(this.#rowCount, new Error(`its pages hold more than the row group's ${this.#rowCount} rows`));
  }

  /** The next `rows` rows, as hyparquet's levels assemble them (lists nested, not yet structs). */
  take(rows: number): DecodedArray {
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
    this.#rowStarts -= rows;
    return raw;
  }

  #readPage(chunkPage: ChunkPage): void {
    if (chunkPage.header.type === 'DICTIONARY_PAGE') {
      this.#dictionary = readDictionaryPage(chunkPage, this.#decoder) ?? this.#dictionary;
      return;
    }
    const decompress = (stored: Uint8Array, size: number): Uint8Array =>
      decompressPage(stored, size, this.#decoder.codec, this.#decoder.compressors);
    const { levels: page, encoding } = readDataPageLevels(chunkPage, this.#decoder, decompress);
    if (encoding.endsWith('_DICTIONARY') && this.#dictionary === undefined) {
      throw new Error('a dictionary-encoded page comes before any dictionary page');
    }
    const values = convertWithDictionary(page.dataPage, this.#dictionary, encoding, this.#decoder);
    const levelCount = Math.max(page.repetitionLevels.length, page.definitionLevels?.length ?? 0, this.#isRepeated ? 0 : values.length);
    // hyparquet leaves out the definition levels of a page without nulls: they are all the highest.
    const definitions = page.definitionLevels?.length
      ? page.definitionLevels
      : new Array<number>(levelCount).fill(this.#maxDefinitionLevel);
    // What was taken goes; what is left is at most the rest of the last slice and a row.
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

/** The schema path (root first) of each leaf under `column`, in schema order. */
function leafPaths(root: SchemaTree, column: SchemaTree): SchemaTree[][] {
  const paths: SchemaTree[][] = [];
  const visit = (node: SchemaTree, path: SchemaTree[]): void => {
    if (node.children.length === 0) paths.push(path);
    for (const child of node.children) visit(child, [...path, child]);
  };
  visit(column, [root, column]);
  return paths;
}
