import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

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
  { file: 'src/export/deliver-batches.ts', statement: "import { main } from '../cli/main.js';", says: /Only src\/cli imports src\/cli/ },
  { file: 'src/sandbox/sandbox-server.ts', statement: "import type { Options } from '../cli/option-parsers.js';", says: /Only src\/cli/ },
  { file: 'src/state/run-lock.test.ts', statement: "import { main } from '../cli/main.js';", says: /Only src\/cli/ },
  { file: 'src/index.ts', statement: "export { main } from './cli/main.js';", says: /Only src\/cli/ },
];

const ALLOWED: readonly { file: string; statement: string }[] = [
  { file: 'src/source/csv-reader.ts', statement: "import { InputFileError } from '../errors.js';" },
  { file: 'src/source/csv-reader.ts', statement: "import { readCsv } from './csv-record-parser.js';" },
  { file: 'src/klaviyo/http-transport.ts', statement: "import { Secret } from '../config/secret.js';" },
  { file: 'src/mapping/map-record.test.ts', statement: "import { FAULTS } from '../sandbox/faults.js';" },
  { file: 'src/export/scan-segment.ts', statement: "import { openSegment } from '../source/open-segment.js';" },
  { file: 'src/export/scan-segment.ts', statement: "import { createRecordMapper } from '../mapping/map-record.js';" },
  { file: 'src/export/scan-segment.ts', statement: "import { renderRejects } from '../report/rejects-csv.js';" },
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
