import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { compress as compressZstd, init as initZstd } from '@bokuweb/zstd-wasm';
import type { CompressionCodec } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';

export type FixtureCodec = 'SNAPPY' | 'GZIP' | 'ZSTD' | 'UNCOMPRESSED';

export interface ParquetFixture {
  readonly columnData: ColumnSource[];
  readonly codec?: FixtureCodec;
  /** Rows per row group: several row groups unless the file is small. */
  readonly rowGroupSize?: number;
  readonly schema?: Parameters<typeof parquetWriteBuffer>[0]['schema'];
  /** Skip writing the offset index, as some writers do (each row group is then read whole). */
  readonly offsetIndex?: boolean;
  /** Target uncompressed page size in bytes (hyparquet-writer's default is 1 MiB). */
  readonly pageSize?: number;
}

let isZstdReady = false;

/** Writes a Parquet file with hyparquet-writer, compressed as asked: how tests make their own fixtures. */
export async function writeParquetFixture(path: string, fixture: ParquetFixture): Promise<void> {
  writeFileSync(path, await parquetFixtureBytes(fixture));
}

export async function parquetFixtureBytes(fixture: ParquetFixture): Promise<Buffer> {
  if (fixture.codec === 'ZSTD' && !isZstdReady) {
    await initZstd();
    isZstdReady = true;
  }
  const columnData =
    fixture.offsetIndex === false ? fixture.columnData.map((column) => ({ ...column, offsetIndex: false })) : fixture.columnData;
  const codec: CompressionCodec = fixture.codec ?? 'SNAPPY';
  const bytes = parquetWriteBuffer({
    columnData,
    codec,
    compressors: {
      GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
      ZSTD: (input: Uint8Array) => compressZstd(Buffer.from(input), 3),
    },
    ...(fixture.rowGroupSize === undefined ? {} : { rowGroupSize: fixture.rowGroupSize }),
    ...(fixture.schema === undefined ? {} : { schema: fixture.schema }),
    ...(fixture.pageSize === undefined ? {} : { pageSize: fixture.pageSize }),
  });
  return Buffer.from(bytes);
}
