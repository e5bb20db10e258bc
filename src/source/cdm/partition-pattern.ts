import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * A file's path below a pattern's root, from its `/` (`/2024/part-00001.csv`), matches the
 * pattern's regular expression or glob as a whole. A glob that does not start with `/` matches at
 * any depth (`*.csv` is every CSV file below the root), as CDM tools write it.
 */
export function partitionMatcher(matcher: { regularExpression: string } | { globPattern: string } | undefined): (path: string) => boolean {
  if (matcher === undefined) return () => true;
  const expression = 'regularExpression' in matcher ? new RegExp(matcher.regularExpression) : globToRegExp(matcher.globPattern);
  return (path) => {
    const found = expression.exec(path);
    return found !== null && found.index === 0 && found[0].length === path.length;
  };
}

export function globToRegExp(glob: string): RegExp {
  const anchored = glob.startsWith('/') ? glob : `/**/${glob}`;
  let source = '';
  for (let at = 0; at < anchored.length; at++) {
    const char = anchored[at]!;
    if (char === '*' && anchored[at + 1] === '*') {
      // `/**/` is any number of folders, none included.
      if (anchored[at + 2] === '/') {
        source += '(?:[^/]*/)*';
        at += 2;
      } else {
        source += '.*';
        at += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * The data files below `folder` in name order, their paths from `/`. Names starting with `_` or
 * `.` (`_SUCCESS`, `.part-0.csv.crc`) are the writer's markers, not data, and are left out.
 */
export async function listDataFiles(folder: string): Promise<{ path: string; below: string }[]> {
  const found: { path: string; below: string }[] = [];
  async function walk(directory: string): Promise<void> {
    const entries = await readdir(directory, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push({ path, below: `/${relative(folder, path).split(sep).join('/')}` });
    }
  }
  await walk(folder);
  return found;
}
