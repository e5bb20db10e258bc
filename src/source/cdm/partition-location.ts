import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Where a CDM partition location points inside the folder given. Locations are relative paths
 * (from the metadata document's folder), corpus paths (`adls:/container/folder/Entity/part.csv`)
 * or absolute URLs (`https://account.dfs.core.windows.net/container/folder/Entity/part.csv`):
 * those name where the folder was in the lake, so they are matched by the longest tail of their
 * path that exists below the folder. Nothing is ever fetched.
 */
export type LocationMatch =
  | { readonly kind: 'found'; readonly path: string; readonly anchor?: string }
  | { readonly kind: 'not-found'; readonly expected?: string; readonly tail?: readonly string[]; readonly lakePath?: string }
  | { readonly kind: 'outside' };

export type EntryKind = 'file' | 'directory';

/** A URL or a corpus path: `<scheme or namespace>:` then a path. One letter is a Windows drive, not a namespace. */
const ABSOLUTE_LOCATION = /^([a-z][a-z0-9+.-]+):(.*)$/i;

export interface LakePath {
  /** `account.dfs.core.windows.net`, or the corpus namespace (`adls`). */
  readonly origin: string;
  readonly segments: readonly string[];
}

/** The path of a URL or corpus path, split; undefined for a relative location. */
export function lakePathOf(location: string): LakePath | undefined {
  const absolute = ABSOLUTE_LOCATION.exec(location);
  if (!absolute) return undefined;
  const [, scheme = '', rest = ''] = absolute;
  if (/^https?$/i.test(scheme)) {
    const url = new URL(location);
    return { origin: url.host.toLowerCase(), segments: splitSegments(url.pathname) };
  }
  return { origin: scheme.toLowerCase(), segments: splitSegments(rest) };
}

function splitSegments(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

/** Resolves `location` to an entry of `kind` inside `root`, relative ones from `base` (a folder inside root). */
export async function matchLocation(location: string, root: string, base: string, kind: EntryKind): Promise<LocationMatch> {
  const lake = lakePathOf(location);
  if (lake === undefined) {
    // `/Entity/part.csv` is from the root of the folder (the corpus's root), `Entity/part.csv` from the document's.
    const path = location.startsWith('/') ? resolve(root, ...splitSegments(location)) : resolve(base, ...splitSegments(location));
    if (!isInside(root, path)) return { kind: 'outside' };
    return (await entryIs(path, kind)) ? { kind: 'found', path } : { kind: 'not-found', expected: path };
  }
  if (lake.segments.some((segment) => segment === '..' || segment === '.')) return { kind: 'outside' };
  for (let skip = 0; skip < lake.segments.length; skip++) {
    const path = join(root, ...lake.segments.slice(skip));
    if (await entryIs(path, kind)) return { kind: 'found', path, anchor: anchorOf(lake, skip) };
  }
  // A pattern's root may be the folder itself: its URL then ends with the folder's name.
  if (kind === 'directory' && lake.segments.at(-1) === basename(root)) return { kind: 'found', path: root };
  return { kind: 'not-found', tail: lake.segments, lakePath: anchorOf(lake, lake.segments.length) };
}

/** The lake path above the part that matched below the folder: `origin/container/folder`. */
function anchorOf(lake: LakePath, skip: number): string {
  return [lake.origin, ...lake.segments.slice(0, skip)].join('/');
}

/**
 * A lake location that matched nothing is a missing file when it lies below where another
 * location of the same metadata was found (`expected` then names it), else outside the folder.
 */
export function classifyUnmatched(location: string, root: string, anchors: ReadonlySet<string>, rootName: string): LocationMatch {
  const lake = lakePathOf(location);
  if (lake === undefined) return { kind: 'outside' };
  const full = [lake.origin, ...lake.segments];
  for (const anchor of anchors) {
    const parts = anchor.split('/');
    if (parts.every((part, index) => full[index] === part)) return { kind: 'not-found', expected: join(root, ...full.slice(parts.length)) };
  }
  // Nothing matched yet: the folder's own name in the path tells where it was in the lake.
  const named = lake.segments.lastIndexOf(rootName);
  if (named !== -1 && named < lake.segments.length - 1)
    return { kind: 'not-found', expected: join(root, ...lake.segments.slice(named + 1)) };
  return { kind: 'outside' };
}

export function isInside(root: string, path: string): boolean {
  const below = relative(root, path);
  return below === '' || (!below.startsWith(`..${sep}`) && below !== '..' && !isAbsolute(below));
}

async function entryIs(path: string, kind: EntryKind): Promise<boolean> {
  try {
    const stats = await stat(path);
    return kind === 'file' ? stats.isFile() : stats.isDirectory();
  } catch {
    return false;
  }
}
