import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeParquetFixture } from '../../../test/helpers/parquet-fixtures.js';
import { InputFileError, UsageError } from '../../errors.js';
import { openSegment } from '../open-segment.js';
import type { SourceRecord } from '../source-record.js';
import { findCdmMetadata, openCdmEntity, type CdmEntity } from './cdm-entity.js';

const scratch = mkdtempSync(join(tmpdir(), 'klaviyo-export-cdm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeTree(folder: string, files: Record<string, string | object>): string {
  const root = join(scratch, folder);
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const LAKE = 'https://contosolake.dfs.core.windows.net/customerinsights/exports/ci-export';

function modelJson(entities: { name: string; attributes: string[]; partitions: { location: string; settings?: object }[] }[]): object {
  return {
    name: 'cdm',
    version: '1.0',
    entities: entities.map((entity) => ({
      $type: 'LocalEntity',
      name: entity.name,
      attributes: entity.attributes.map((name) => ({ name, dataType: 'string' })),
      partitions: entity.partitions.map((partition, index) => ({
        name: `${entity.name}-${index}`,
        location: partition.location,
        fileFormatSettings: partition.settings ?? {
          $type: 'CsvFormatSettings',
          columnHeaders: false,
          delimiter: ',',
          quoteStyle: 'QuoteStyle.Csv',
          encoding: 'UTF-8',
        },
      })),
    })),
  };
}

async function openError(metadata: string, entity?: string): Promise<Error> {
  const error: unknown = await openCdmEntity(metadata, entity === undefined ? {} : { entity }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

function partNames(entity: CdmEntity): string[] {
  return entity.parts.map((part) => part.displayName);
}

describe('model.json', () => {
  const root = writeTree('ci-export', {
    'model.json': modelJson([
      {
        name: 'HighValueCustomers',
        attributes: ['CustomerId', 'Email', 'FirstName'],
        partitions: [
          { location: `${LAKE}/HighValueCustomers/part-00001.csv` },
          { location: `${LAKE}/HighValueCustomers/part%2000002.csv` },
        ],
      },
      { name: 'Churned', attributes: ['Email'], partitions: [{ location: 'Churned/part-00001.csv' }] },
    ]),
    'HighValueCustomers/part-00001.csv': 'c1,a@example.com,Ann\n',
    'HighValueCustomers/part 00002.csv': 'c2,b@example.com,Bob\n',
    'Churned/part-00001.csv': 'c@example.com\n',
  });

  test('absolute dfs URLs resolve to the files below the folder; the columns are the attributes', async () => {
    const metadata = await findCdmMetadata(root);
    expect(metadata).toBe(join(root, 'model.json'));
    const entity = await openCdmEntity(metadata!, { entity: 'HighValueCustomers' });
    expect(entity.name).toBe('HighValueCustomers');
    expect(entity.columns).toEqual(['CustomerId', 'Email', 'FirstName']);
    expect(entity.parts).toEqual([
      {
        path: join(root, 'HighValueCustomers/part-00001.csv'),
        displayName: join(root, 'HighValueCustomers/part-00001.csv'),
        format: 'csv',
        hasHeader: false,
        delimiter: ',',
        quoting: 'csv',
        encoding: 'UTF-8',
      },
      {
        path: join(root, 'HighValueCustomers/part 00002.csv'),
        displayName: join(root, 'HighValueCustomers/part 00002.csv'),
        format: 'csv',
        hasHeader: false,
        delimiter: ',',
        quoting: 'csv',
        encoding: 'UTF-8',
      },
    ]);
  });

  test('relative locations; --entity matches regardless of case when only one entity does', async () => {
    const entity = await openCdmEntity(join(root, 'model.json'), { entity: 'churned' });
    expect(entity.name).toBe('Churned');
    expect(partNames(entity)).toEqual([join(root, 'Churned/part-00001.csv')]);
  });

  test('several entities and no --entity: exit 2 listing them', async () => {
    const error = await openError(join(root, 'model.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`${join(root, 'model.json')} holds 2 entities: HighValueCustomers, Churned. Pick one with --entity <name>.`);
  });

  test('an --entity that is not there lists the entities', async () => {
    const error = await openError(join(root, 'model.json'), 'Loyal');
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/has no entity "Loyal"; its entities: HighValueCustomers, Churned\./);
  });

  test('a missing partition names the file expected, an absolute one as well as a relative one', async () => {
    const folder = writeTree('missing-part', {
      'model.json': modelJson([
        {
          name: 'Segment',
          attributes: ['Email'],
          partitions: [
            { location: `${LAKE.replace('ci-export', 'missing-part')}/Segment/part-1.csv` },
            { location: `${LAKE.replace('ci-export', 'missing-part')}/Segment/part-2.csv` },
          ],
        },
      ]),
      'Segment/part-1.csv': 'a@example.com\n',
    });
    const error = await openError(join(folder, 'model.json'));
    expect(error).toBeInstanceOf(InputFileError);
    expect(error.message).toBe(
      `${join(folder, 'model.json')}: entity Segment's partition ${LAKE.replace('ci-export', 'missing-part')}/Segment/part-2.csv is missing: there is no ${join(folder, 'Segment/part-2.csv')}. Download the whole folder again.`,
    );
    const relative = writeTree('missing-relative', {
      'model.json': modelJson([{ name: 'Segment', attributes: ['Email'], partitions: [{ location: 'Segment/part-9.csv' }] }]),
    });
    expect((await openError(join(relative, 'model.json'))).message).toMatch(
      /partition Segment\/part-9\.csv is missing: there is no .*missing-relative\/Segment\/part-9\.csv/,
    );
  });

  test('a location outside the folder is refused, never fetched', async () => {
    const folder = writeTree('outside', {
      'model.json': modelJson([
        {
          name: 'Segment',
          attributes: ['Email'],
          partitions: [{ location: 'https://elsewhere.dfs.core.windows.net/other/data/part-1.csv' }],
        },
      ]),
    });
    expect((await openError(join(folder, 'model.json'))).message).toMatch(
      /partition https:\/\/elsewhere\.dfs\.core\.windows\.net\/other\/data\/part-1\.csv is not inside .*outside: klaviyo-export reads only the files of the folder given and never downloads/,
    );
    const escaping = writeTree('escaping', {
      'model.json': modelJson([
        { name: 'Segment', attributes: ['Email'], partitions: [{ location: '../ci-export/Churned/part-00001.csv' }] },
      ]),
    });
    expect((await openError(join(escaping, 'model.json'))).message).toMatch(/is not inside/);
  });

  test('a delimiter the CSV reader cannot read is said before anything is read', async () => {
    const folder = writeTree('tilde', {
      'model.json': modelJson([
        {
          name: 'S',
          attributes: ['Email'],
          partitions: [{ location: 'S/p.csv', settings: { $type: 'CsvFormatSettings', delimiter: '~' } }],
        },
      ]),
      'S/p.csv': 'a@example.com\n',
    });
    expect((await openError(join(folder, 'model.json'))).message).toMatch(/delimited by "~", which klaviyo-export does not read/);
  });

  test('QuoteStyle.None partitions are read with quotes as plain characters; an unknown quote style is said', async () => {
    const settings = (quoteStyle: string) => ({ $type: 'CsvFormatSettings', columnHeaders: false, delimiter: ',', quoteStyle });
    const folder = writeTree('quote-none', {
      'model.json': modelJson([
        { name: 'S', attributes: ['Email', 'Nickname'], partitions: [{ location: 'S/p.csv', settings: settings('QuoteStyle.None') }] },
      ]),
      'S/p.csv': 'a@example.com,"Al\nb@example.com,O"Neil\n',
    });
    const entity = await openCdmEntity(join(folder, 'model.json'));
    expect(entity.parts[0]).toMatchObject({ quoting: 'none', hasHeader: false });
    const records: SourceRecord[] = [];
    for await (const record of (await openSegment({ input: folder })).records) records.push(record);
    expect(records.map((record) => record.fields)).toEqual([
      { Email: 'a@example.com', Nickname: '"Al' },
      { Email: 'b@example.com', Nickname: 'O"Neil' },
    ]);

    const odd = writeTree('quote-odd', {
      'model.json': modelJson([
        { name: 'S', attributes: ['Email'], partitions: [{ location: 'S/p.csv', settings: settings('QuoteStyle.Single') }] },
      ]),
      'S/p.csv': 'a@example.com\n',
    });
    expect((await openError(join(odd, 'model.json'))).message).toMatch(
      /quoteStyle is "QuoteStyle.Single", not QuoteStyle.Csv or QuoteStyle.None/,
    );
  });

  test('an empty partition has no rows; an entity of empty partitions is a segment without rows', async () => {
    const partitions = ['S/p0.csv', 'S/p1.csv', 'S/p2.csv'].map((location) => ({ location }));
    const folder = writeTree('empty-partitions', {
      'model.json': modelJson([{ name: 'S', attributes: ['Id', 'Email'], partitions }]),
      'S/p0.csv': '',
      'S/p1.csv': 'c1,a@example.com\nc2,b@example.com\n',
      'S/p2.csv': '',
    });
    const segment = await openSegment({ input: folder });
    const records: SourceRecord[] = [];
    for await (const record of segment.records) records.push(record);
    expect(records.map((record) => record.fields['Email'])).toEqual(['a@example.com', 'b@example.com']);
    expect(segment.locate(2)).toEqual({ file: join(folder, 'S/p1.csv'), line: 2 });

    const none = writeTree('all-empty-partitions', {
      'model.json': modelJson([{ name: 'S', attributes: ['Id', 'Email'], partitions: [{ location: 'S/p0.csv' }] }]),
      'S/p0.csv': '',
    });
    const empty = await openSegment({ input: none });
    expect(empty.columns).toEqual(['Id', 'Email']);
    expect(await empty.peekRecords(5)).toEqual([]);
    let count = 0;
    for await (const _record of empty.records) count += 1;
    expect(count).toBe(0);
    expect(empty.contentDigest()).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a row of the second partition is located in that partition, at its own line; a headered partition's columns become the attributes", async () => {
    const headered = { $type: 'CsvFormatSettings', columnHeaders: true, delimiter: ';', quoteStyle: 'QuoteStyle.Csv', encoding: 'UTF-8' };
    const folder = writeTree('second-partition', {
      'model.json': modelJson([
        { name: 'S', attributes: ['Id', 'Email'], partitions: [{ location: 'S/p0.csv' }, { location: 'S/p1.csv', settings: headered }] },
      ]),
      'S/p0.csv': 'c1,a@example.com\nc2,b@example.com\nc3,c@example.com\n',
      'S/p1.csv': 'customer_id;email_address\nc4;d@example.com\nc5;not-an-email\n',
    });
    const segment = await openSegment({ input: folder });
    expect(segment.columns).toEqual(['Id', 'Email']);
    expect(segment.files).toEqual([join(folder, 'S/p0.csv'), join(folder, 'S/p1.csv')]);
    const records: SourceRecord[] = [];
    for await (const record of segment.records) records.push(record);
    const bad = records.find((record) => record.fields['Email'] === 'not-an-email')!;
    expect(bad.fields).toEqual({ Id: 'c5', Email: 'not-an-email' });
    expect(segment.locate(bad.line)).toEqual({ file: join(folder, 'S/p1.csv'), line: 3 });
    expect(segment.locate(records[2]!.line)).toEqual({ file: join(folder, 'S/p0.csv'), line: 3 });
  });

  test('a partition of another width stops before any row, naming the partition and the metadata file', async () => {
    const folder = writeTree('wrong-width', {
      'model.json': modelJson([
        { name: 'S', attributes: ['Id', 'Email'], partitions: [{ location: 'S/p0.csv' }, { location: 'S/p1.csv' }] },
      ]),
      'S/p0.csv': 'c1,a@example.com\n',
      'S/p1.csv': 'c2,b@example.com,extra\n',
    });
    const error: unknown = await openSegment({ input: folder }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(
      `${join(folder, 'S/p1.csv')}, line 1: has 3 fields a row, but entity S has 2 attributes (Id, Email) in ${join(folder, 'model.json')}`,
    );
  });

  test('Parquet partitions: columns renamed to the attributes by position, an empty one has no rows; CSV and Parquet mixed is exit 2', async () => {
    const parquet = { $type: 'ParquetFormatSettings' };
    const folder = writeTree('parquet-partitions', {
      'model.json': modelJson([
        {
          name: 'S',
          attributes: ['Id', 'Email'],
          partitions: ['S/p0.parquet', 'S/p1.parquet', 'S/p2.parquet'].map((location) => ({ location, settings: parquet })),
        },
      ]),
      'S/p1.parquet': '',
    });
    for (const [name, ids] of [
      ['p0', ['c1', 'c2']],
      ['p2', ['c3']],
    ] as const) {
      await writeParquetFixture(join(folder, `S/${name}.parquet`), {
        columnData: [
          { name: 'customer_id', data: [...ids], type: 'STRING' },
          { name: 'email_address', data: ids.map((id) => `${id}@example.com`), type: 'STRING' },
        ],
      });
    }
    const segment = await openSegment({ input: folder });
    expect(segment.columns).toEqual(['Id', 'Email']);
    const records: SourceRecord[] = [];
    for await (const record of segment.records) records.push(record);
    expect(records.map((record) => record.fields)).toEqual([
      { Id: 'c1', Email: 'c1@example.com' },
      { Id: 'c2', Email: 'c2@example.com' },
      { Id: 'c3', Email: 'c3@example.com' },
    ]);
    expect(segment.locate(records[2]!.line)).toEqual({ file: join(folder, 'S/p2.parquet'), line: 1 });

    const mixed = writeTree('mixed-partitions', {
      'model.json': modelJson([
        { name: 'S', attributes: ['Id', 'Email'], partitions: [{ location: 'S/p0.csv' }, { location: 'S/p1.parquet', settings: parquet }] },
      ]),
      'S/p0.csv': 'c0,c0@example.com\n',
    });
    await writeParquetFixture(join(mixed, 'S/p1.parquet'), {
      columnData: [
        { name: 'Id', data: ['c1'], type: 'STRING' },
        { name: 'Email', data: ['c1@example.com'], type: 'STRING' },
      ],
    });
    const error: unknown = await openSegment({ input: mixed }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(/S\/p1\.parquet: is PARQUET but the segment's first file, .*S\/p0\.csv, is CSV/);
  });

  test('metadata that is not JSON, or not CDM', async () => {
    const broken = writeTree('broken', { 'model.json': '{"entities": [' });
    expect((await openError(join(broken, 'model.json'))).message).toMatch(/model\.json: is not valid JSON/);
    const odd = writeTree('odd', { 'model.json': { entities: [{ $type: 'LocalEntity', attributes: [] }] } });
    expect((await openError(join(odd, 'model.json'))).message).toMatch(
      /is not CDM metadata klaviyo-export can read: entities\[0\]\.name is missing or not text/,
    );
  });
});

describe('manifest.cdm.json', () => {
  const root = writeTree('manifest-export', {
    'default.manifest.cdm.json': {
      jsonSchemaSemanticVersion: '1.0.0',
      manifestName: 'default',
      entities: [
        {
          type: 'LocalEntity',
          entityName: 'Segment',
          entityPath: 'Segment/Segment.cdm.json/Segment',
          dataPartitions: [
            {
              location: 'adls:/customerinsights/exports/manifest-export/Segment/part-00001.csv',
              exhibitsTraits: [
                {
                  traitReference: 'is.partition.format.CSV',
                  arguments: [
                    { name: 'columnHeaders', value: 'true' },
                    { name: 'delimiter', value: '|' },
                  ],
                },
              ],
            },
          ],
          dataPartitionPatterns: [
            { name: 'rest', rootLocation: 'Segment/more', globPattern: '*.csv' },
            {
              name: 'dated',
              rootLocation: `${LAKE.replace('ci-export', 'manifest-export')}/Segment/dated`,
              regularExpression: '/(\\d{4})/part-(\\d+)\\.csv',
            },
          ],
        },
        { type: 'LocalEntity', entityName: 'Other', entityPath: 'Other.cdm.json/Other', dataPartitions: [{ location: 'Other/p.csv' }] },
      ],
    },
    'Segment/Segment.cdm.json': {
      jsonSchemaSemanticVersion: '1.0.0',
      definitions: [
        {
          entityName: 'Segment',
          hasAttributes: [
            { name: 'Email', dataFormat: 'String' },
            { attributeGroupReference: { attributeGroupName: 'names', members: [{ name: 'FirstName' }, { name: 'LastName' }] } },
          ],
        },
      ],
    },
    'Segment/part-00001.csv': 'Email|FirstName|LastName\na@example.com|Ann|A\n',
    'Segment/more/b.csv': 'b@example.com,Bob,B\n',
    'Segment/more/sub/c.csv': 'c@example.com,Cy,C\n',
    'Segment/more/_SUCCESS': '',
    'Segment/more/.b.csv.crc': 'x',
    'Segment/more/notes.txt': 'not data',
    'Segment/dated/2024/part-2.csv': 'd@example.com,Di,D\n',
    'Segment/dated/2024/part-x.csv': 'not matched\n',
    'Other.cdm.json': { definitions: [{ entityName: 'Other', hasAttributes: [{ name: 'Email' }] }] },
    'Other/p.csv': 'e@example.com\n',
  });

  test('the entity document names the columns; partitions, glob and regex patterns give the parts in order', async () => {
    const metadata = await findCdmMetadata(root);
    expect(metadata).toBe(join(root, 'default.manifest.cdm.json'));
    const entity = await openCdmEntity(metadata!, { entity: 'Segment' });
    expect(entity.columns).toEqual(['Email', 'FirstName', 'LastName']);
    expect(partNames(entity)).toEqual([
      join(root, 'Segment/part-00001.csv'),
      join(root, 'Segment/more/b.csv'),
      join(root, 'Segment/more/sub/c.csv'),
      join(root, 'Segment/dated/2024/part-2.csv'),
    ]);
    expect(entity.parts[0]).toMatchObject({ hasHeader: true, delimiter: '|', format: 'csv' });
    expect(entity.parts[1]).toMatchObject({ hasHeader: false, delimiter: ',', format: 'csv' });
  });

  test('the metadata file itself may be the path; the entity document is relative to the manifest', async () => {
    const entity = await openCdmEntity(join(root, 'default.manifest.cdm.json'), { entity: 'Other' });
    expect(entity.columns).toEqual(['Email']);
    expect(partNames(entity)).toEqual([join(root, 'Other/p.csv')]);
  });

  test('a folder that is not CDM is not taken for one', async () => {
    const plain = writeTree('plain', { 'part-0.csv': 'email\na@example.com\n' });
    expect(await findCdmMetadata(plain)).toBeUndefined();
    expect(await findCdmMetadata(join(plain, 'part-0.csv'))).toBeUndefined();
  });
});
