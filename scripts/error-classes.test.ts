import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Error classes live in one place (src/errors.ts), so a reader finds every error a run can end
// with, its exit code and who must act, in one file. Test files may define their own.
const ERROR_CLASS = /^\s*(?:export\s+)?class\s+(\w+)\s+extends\s+(\w*Error)\b/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.test(?:-support)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('error classes', () => {
  it('are all defined in src/errors.ts', () => {
    const elsewhere = sourceFiles('src')
      .filter((file) => file !== join('src', 'errors.ts'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(ERROR_CLASS)].map((match) => `${file}: ${match[1]} extends ${match[2]}`));
    expect(elsewhere).toEqual([]);
  });

  it('finds the ones src/errors.ts defines (the pattern is not blind)', () => {
    const names = [...readFileSync(join('src', 'errors.ts'), 'utf8').matchAll(ERROR_CLASS)].map((match) => match[1]);
    expect(names).toEqual(expect.arrayContaining(['ExportError', 'UsageError', 'KlaviyoRequestError', 'CsvSyntaxError']));
  });
});
