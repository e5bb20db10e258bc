import { readdirSync } from 'node:fs';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_STAGES } from '../eslint.config.js';

// The import boundaries of STYLE.md, as `npm run lint` applies them: the rule is read from the
// project's composed eslint config for each file, so a later block that overrode it would show here.
const eslint = new ESLint();
const linter = new Linter();

async function lintImport(file: string, statement: string): Promise<string[]> {
  const config = (await eslint.calculateConfigForFile(file)) as Linter.Config;
  const rule = config.rules?.['no-restricted-imports'];
  if (rule === undefined) return [];
  const messages = linter.verify(
    statement,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-imports': rule } }],
    { filename: file },
  );
  return messages.map((message) => message.message);
}

const REFUSED: readonly { file: string; statement: string; says: RegExp }[] = [
  {
    file: 'src/source/csv-reader.ts',
    statement: "import { createRecordMapper } from '../mapping/map-record.js';",
    says: /src\/source imports neither/,
  },
  { file: 'src/source/csv-reader.ts', statement: "import { x } from '../klaviyo/klaviyo-client.js';", says: /src\/source/ },
  {
    file: 'src/mapping/map-record.ts',
    statement: "import type { SourceRecord } from '../source/source-record.js';",
    says: /src\/mapping imports neither/,
  },
  { file: 'src/mapping/new-file.ts', statement: "export { renderText } from '../report/render-text.js';", says: /src\/mapping/ },
  {
    file: 'src/klaviyo/klaviyo-client.ts',
    statement: "import { x } from '../report/run-summary.js';",
    says: /src\/klaviyo imports neither/,
  },
  { file: 'src/klaviyo/klaviyo-client.ts', statement: "export * from '../source/source-record.js';", says: /src\/klaviyo/ },
  { file: 'src/report/run-summary.ts', statement: "import { x } from '../mapping/mapping-spec.js';", says: /src\/report imports neither/ },
  { file: 'src/report/run-summary.ts', statement: "import { main } from '../cli/main.js';", says: /src\/report/ },
  { file: 'src/export/delivery/deliver-batches.ts', statement: "import { main } from '../../cli/main.js';", says: /nor src\/cli/ },
  {
    file: 'src/export/scan/scan-segment.ts',
    statement: "import { x } from '../push/push-segment.js';",
    says: /src\/export\/scan\/ imports batches\/ and rejects\//,
  },
  {
    file: 'src/export/batches/batch-planner.ts',
    statement: "import { x } from '../scan/scan-segment.js';",
    says: /imports no other stage/,
  },
  {
    file: 'src/export/delivery/job-watcher.ts',
    statement: "import type { X } from '../consent/subscribe-consenting.js';",
    says: /src\/export\/delivery\//,
  },
  {
    file: 'src/state/checkpoint-file.ts',
    statement: "import type { X } from '../export/delivery/delivery-types.js';",
    says: /src\/state imports neither src\/export/,
  },
  {
    file: 'src/klaviyo/klaviyo-client.ts',
    statement: "import { x } from '../export/push/push-segment.js';",
    says: /src\/klaviyo imports neither/,
  },
  { file: 'src/sandbox/sandbox-server.ts', statement: "import type { Options } from '../cli/option-parsers.js';", says: /nor src\/cli/ },
  { file: 'src/state/run-lock.test.ts', statement: "import { main } from '../cli/main.js';", says: /nor src\/cli/ },
  { file: 'src/index.ts', statement: "export { main } from './cli/main.js';", says: /Only src\/cli/ },
];

const ALLOWED: readonly { file: string; statement: string }[] = [
  { file: 'src/source/csv-reader.ts', statement: "import { InputFileError } from '../errors.js';" },
  { file: 'src/source/csv-reader.ts', statement: "import { readCsv } from './csv-record-parser.js';" },
  { file: 'src/klaviyo/http-transport.ts', statement: "import { Secret } from '../config/secret.js';" },
  { file: 'src/mapping/map-record.test.ts', statement: "import { FAULTS } from '../sandbox/faults.js';" },
  { file: 'src/export/scan/scan-segment.ts', statement: "import { openSegment } from '../../source/open-segment.js';" },
  { file: 'src/export/scan/scan-segment.ts', statement: "import { createRecordMapper } from '../../mapping/map-record.js';" },
  { file: 'src/export/scan/scan-segment.ts', statement: "import { renderRejects } from '../../report/rejects-csv.js';" },
  { file: 'src/export/scan/scan-segment.ts', statement: "import { BatchPlanner } from '../batches/batch-planner.js';" },
  { file: 'src/export/push/push-segment.ts', statement: "import { scanSegment } from '../scan/scan-segment.js';" },
  { file: 'src/cli/commands/push-command.ts', statement: "import { main } from '../main.js';" },
  { file: 'src/cli/commands/push-command.ts', statement: "import { x } from '../../klaviyo/klaviyo-client.js';" },
  { file: 'src/cli/main.ts', statement: "import { x } from './commands/push-command.js';" },
  { file: 'test/e2e/push.e2e.test.ts', statement: "import { x } from '../../src/cli/main.js';" },
];

describe('import boundaries (eslint no-restricted-imports)', () => {
  beforeAll(async () => {
    // Loading the config once up front keeps the first case within the default timeout.
    await eslint.calculateConfigForFile('src/errors.ts');
  });

  it.each(REFUSED)('$file may not: $statement', async ({ file, statement, says }) => {
    const messages = await lintImport(file, statement);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(says);
  });

  it.each(ALLOWED)('$file may: $statement', async ({ file, statement }) => {
    expect(await lintImport(file, statement)).toEqual([]);
  });
});

describe('the stages of src/export', () => {
  it('build on one another without a circle, so that no import runs back up', () => {
    const stages = EXPORT_STAGES;
    const ordered: string[] = [];
    const visit = (stage: string, path: readonly string[]): void => {
      expect(path, `${[...path, stage].join(' -> ')} is a circle`).not.toContain(stage);
      if (ordered.includes(stage)) return;
      for (const lower of stages[stage] ?? []) visit(lower, [...path, stage]);
      ordered.push(stage);
    };
    for (const stage of Object.keys(stages)) visit(stage, []);
    expect(ordered.sort()).toEqual(Object.keys(stages).sort());
  });

  it('are the folders of src/export', () => {
    const folders = readdirSync('src/export', { withFileTypes: true });
    expect(folders.filter((entry) => !entry.isDirectory()).map((entry) => entry.name)).toEqual([]);
    expect(folders.map((entry) => entry.name).sort()).toEqual(Object.keys(EXPORT_STAGES).sort());
  });
});
