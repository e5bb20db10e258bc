import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkImportCycles } from './check-import-cycles.mjs';

const TSCONFIG = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] };

const projects: string[] = [];
afterEach(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Checks, as `npm run check` does, a project made of `files` (path -> source). */
function checkProject(files: Record<string, string>, tolerated: readonly (readonly string[])[] = []): { code: number; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'kx-cycles-'));
  projects.push(root);
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const { exitCode, lines } = checkImportCycles(join(root, 'tsconfig.json'), tolerated);
  return { code: exitCode, output: lines.map((line) => `${line}\n`).join('') };
}

describe('check-import-cycles', () => {
  it('passes a project whose imports form no cycle, packages and node: modules left out', () => {
    const result = checkProject({
      'src/a.ts': "import type { B } from './b.js';\nimport { join } from 'node:path';\nexport const a: B = join('a');",
      'src/b.ts': "import { c } from './nested/c.js';\nexport type B = string;\nexport const b = c;",
      'src/nested/c.ts': 'export const c = 1;',
    });
    expect(result).toEqual({ code: 0, output: 'No import cycles in 3 files.\n' });
  });

  it('fails on two files that import each other, even when one side imports only a type', () => {
    const result = checkProject({
      'src/command.ts': "import { open } from './checkpoint.js';\nexport interface Options { list: string }\nexport const run = open;",
      'src/checkpoint.ts': "import type { Options } from './command.js';\nexport function open(options: Options) { return options.list; }",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Import cycle: src/checkpoint.ts -> src/command.ts -> src/checkpoint.ts');
  });

  it('fails on a longer loop through re-exports and import() types, naming every file in it', () => {
    const result = checkProject({
      'src/a.ts': "export * from './b.js';\nexport const a = 1;",
      'src/b.ts': "export { c } from './c.js';",
      'src/c.ts': "export const c = 1;\nexport let later: import('./a.js').A | undefined;\nexport type A = number;",
      'src/outside.ts': "import { a } from './a.js';\nexport const outside = a;",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'Import cycle: src/a.ts -> src/b.ts -> src/c.ts -> src/a.ts (3 files in all: src/a.ts, src/b.ts, src/c.ts)',
    );
    expect(result.output).not.toContain('outside');
  });

  it('fails on a file that imports itself', () => {
    const result = checkProject({ 'src/self.ts': "import type { Self } from './self.js';\nexport type Self = { next?: Self };" });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Import cycle: src/self.ts -> src/self.ts');
  });

  describe('the known cycles it tolerates until they are removed', () => {
    const TOLERATED = [['src/export/confirm-batch.ts', 'src/export/deliver-batches.ts']];
    const KNOWN = {
      'src/export/deliver-batches.ts':
        "import { confirm } from './confirm-batch.js';\nexport interface DeliverOptions { n: number }\nexport const deliver = confirm;",
      'src/export/confirm-batch.ts':
        "import type { DeliverOptions } from './deliver-batches.js';\nexport function confirm(options: DeliverOptions) { return options.n; }",
    };

    it('passes while such a cycle holds exactly its two files, and says so', () => {
      const result = checkProject(KNOWN, TOLERATED);
      expect(result).toEqual({ code: 0, output: 'No import cycles in 2 files (1 known cycle(s) tolerated until removed).\n' });
    });

    it('fails once a third file joins it', () => {
      const result = checkProject(
        {
          ...KNOWN,
          'src/export/deliver-batches.ts': `${KNOWN['src/export/deliver-batches.ts']}\nimport './journal.js';`,
          'src/export/journal.ts': "import type { DeliverOptions } from './deliver-batches.js';\nexport type J = DeliverOptions;",
        },
        TOLERATED,
      );
      expect(result.code).toBe(1);
      expect(result.output).toContain('3 files in all: src/export/confirm-batch.ts, src/export/deliver-batches.ts, src/export/journal.ts');
    });

    it('fails once it is gone, until its entry is deleted', () => {
      const result = checkProject(
        {
          'src/export/deliver-batches.ts': "import { confirm } from './confirm-batch.js';\nexport const deliver = confirm;",
          'src/export/confirm-batch.ts': 'export function confirm(n: number) { return n; }',
        },
        TOLERATED,
      );
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        'The tolerated cycle src/export/confirm-batch.ts <-> src/export/deliver-batches.ts is gone: delete it from TOLERATED_CYCLES',
      );
    });
  });

  it('stops with exit 2 and one sentence when the project cannot be read', () => {
    const { exitCode, lines } = checkImportCycles(join(tmpdir(), 'kx-no-such-project', 'tsconfig.json'));
    expect(exitCode).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^Import cycles not checked: .*kx-no-such-project/)]);
  });
});
