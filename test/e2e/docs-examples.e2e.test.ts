import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeTempDir, ROOT } from '../helpers/run-cli.js';

const run = promisify(execFile);

/** The fenced blocks of one `## ` section of a Markdown file, by their info string (`js`, `csv`, `text`). */
function codeBlocks(markdown: string, heading: string): Map<string, string> {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return new Map([...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((match) => [match[1]!, match[2]!]));
}

describe('docs/library.md', () => {
  it('the verifySegment example, run against the built package next to its segment.csv, prints what the page says', async () => {
    const blocks = codeBlocks(readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8'), '## `verifySegment`');
    const app = makeTempDir('kx-docs-');
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(ROOT, join(app, 'node_modules', 'klaviyo-export'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'docs-example', private: true, type: 'module' }));
    writeFileSync(join(app, 'verify.mjs'), blocks.get('js') ?? '');
    writeFileSync(join(app, 'segment.csv'), blocks.get('csv') ?? '');

    const { stdout, stderr } = await run(process.execPath, ['verify.mjs'], { cwd: app });
    expect(stderr).toBe('');
    expect(stdout).toBe(blocks.get('text'));
  });
});
