import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README is a first screen and a table of contents; the rest is in docs/*.md. These tests keep
// the two connected: every relative link and anchor resolves, and what CI and users rely on stays put.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = join(ROOT, 'docs');
const README = join(ROOT, 'README.md');
const MARKDOWN_FILES = [README, ...readdirSync(DOCS).flatMap((name) => (name.endsWith('.md') ? [join(DOCS, name)] : []))];

/** The text outside fenced code blocks, line by line (a link in a code block is not a link). */
function proseLines(markdown: string): string[] {
  let isInFence = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      isInFence = !isInFence;
      return false;
    }
    return !isInFence;
  });
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`; repeats get -1, -2... */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const repeats = seen.get(slug) ?? 0;
    seen.set(slug, repeats + 1);
    anchors.add(repeats === 0 ? slug : `${slug}-${repeats}`);
  }
  return anchors;
}

/** The targets of the Markdown links in the prose, inline code left out. */
function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** Why a relative link of `file` does not resolve, or undefined when it does (or is not relative). */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z+.-]*:/i.test(target)) return undefined;
  const [path = '', anchor] = target.split('#', 2);
  const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  if (!existsSync(resolved)) return `${target}: no such file`;
  if (anchor === undefined || statSync(resolved).isDirectory() || !resolved.endsWith('.md')) return undefined;
  return headingAnchors(readFileSync(resolved, 'utf8')).has(anchor) ? undefined : `${target}: no heading with that anchor`;
}

describe('the link checker', () => {
  it('computes the anchors GitHub gives headings, and finds links outside code only', () => {
    const anchors = headingAnchors(
      '# Keeping the list equal to the segment (`--mirror`, `--changed-only`)\n## `--changed-only`\n## In CI\n## In CI\n```sh\n# not a heading\n```',
    );
    expect([...anchors]).toEqual(['keeping-the-list-equal-to-the-segment---mirror---changed-only', '--changed-only', 'in-ci', 'in-ci-1']);
    expect(linkTargets('See [a](a.md#x) and `[b](b.md)`.\n```md\n[c](c.md)\n```\n[d](https://example.com)')).toEqual([
      'a.md#x',
      'https://example.com',
    ]);
    expect(brokenLink(README, 'docs/no-such-file.md')).toMatch(/no such file/);
    expect(brokenLink(README, 'docs/push.md#no-such-heading')).toMatch(/no heading/);
  });
});

describe('README.md and docs/*.md', () => {
  it('link only to files and headings that exist', () => {
    const broken = MARKDOWN_FILES.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return linkTargets(text).flatMap((target) => {
        const problem = brokenLink(file, target);
        return problem === undefined ? [] : [`${relative(ROOT, file)}: ${problem}`];
      });
    });
    expect(broken).toEqual([]);
  });

  it('README: at most about 8 KB, its first screen shows install, the demo, the main job and `npm test` (CI runs that command)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(8 * 1024);
    const firstScreen = readme.slice(0, readme.indexOf('\n## '));
    for (const command of ['npm ci', 'npm run demo', 'klaviyo-export push --list', 'npm test']) expect(firstScreen).toContain(command);
  });

  it('README: its table of contents links every docs/*.md file', () => {
    const linked = new Set(linkTargets(readFileSync(README, 'utf8')).map((target) => target.split('#')[0]));
    const unlinked = MARKDOWN_FILES.filter((file) => file !== README && !linked.has(relative(ROOT, file)));
    expect(unlinked.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('docs/development.md names every stage folder of src/export', () => {
    const development = readFileSync(join(DOCS, 'development.md'), 'utf8');
    const stages = readdirSync(join(ROOT, 'src', 'export'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(stages.map((stage) => stage.name).filter((name) => !development.includes(`| \`${name}/\` |`))).toEqual([]);
  });

  it('every environment variable src/config reads is in .env.example and docs/environment.md', () => {
    const source = readFileSync(join(ROOT, 'src', 'config', 'load-environment.ts'), 'utf8');
    const names = new Set([...source.matchAll(/\bread\('([A-Z_]+)'\)|\benv\.([A-Z_]+)\b/g)].map((match) => match[1] ?? match[2]!));
    expect(names.size).toBeGreaterThanOrEqual(8);
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const environment = readFileSync(join(DOCS, 'environment.md'), 'utf8');
    const undocumented = [...names].filter(
      (name) => !new RegExp(`^#? ?${name}=`, 'm').test(example) || !environment.includes(`| \`${name}\` |`),
    );
    expect(undocumented).toEqual([]);
  });
});
