import { accessSync, constants, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputFileError } from '../../errors.js';
import { inputPaths } from '../../source/segment-parts.js';
import type { SegmentInput } from '../../source/source-record.js';

/**
 * Refuses an output path that would destroy the input or write through a link: `--rejects
 * segment.csv` would truncate the very file being read, and a symbolic link (say, planted in a
 * shared directory) would send personal data wherever it points.
 */
export function checkOutputPath(path: string, what: string, input: SegmentInput | undefined): void {
  for (const inputPath of input === undefined ? [] : inputPaths(input)) {
    // A file written into the segment's folder would be read as one of its parts by the next run.
    if (inputPath !== '-' && statOf(inputPath, statSync)?.isDirectory() === true && resolve(dirname(path)) === resolve(inputPath)) {
      throw new InputFileError(
        path,
        {},
        `the ${what} path is inside the segment's folder, whose files are all read as its parts; write it elsewhere.`,
      );
    }
  }
  const output = statOf(path, lstatSync);
  if (output === undefined) return; // a new file: nothing to protect
  if (output.isSymbolicLink()) {
    throw new InputFileError(path, {}, `the ${what} path is a symbolic link; give the path of a regular file.`);
  }
  if (!output.isFile()) throw new InputFileError(path, {}, `the ${what} path is not a regular file.`);
  for (const inputPath of input === undefined ? [] : inputPaths(input)) {
    const inputStats = inputPath === '-' ? undefined : statOf(inputPath, statSync);
    if (inputStats !== undefined && inputStats.dev === output.dev && inputStats.ino === output.ino) {
      throw new InputFileError(path, {}, `the ${what} path is the input file itself; writing it would destroy the segment.`);
    }
  }
}

function statOf(path: string, stat: (path: string) => Stats): Stats | undefined {
  try {
    return stat(path);
  } catch {
    return undefined; // missing, or unreadable: opening it reports the actual problem
  }
}

/**
 * An output path the run will write: refused as checkOutputPath says, and its folder created
 * (with the default mode: the files themselves get theirs when they are opened).
 */
export function prepareOutputPath(path: string, what: string, inputPath: SegmentInput | undefined): void {
  checkOutputPath(path, what, inputPath);
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputFileError(path, {}, `cannot create the folder of the ${what} (${code}).`, { cause: error });
  }
}

/**
 * For an output written only when the run ends (the --report file): checked, and its folder
 * created, before anything is sent, so that a typo in its directory does not cost the summary of a
 * finished push.
 */
export function checkLaterOutputPath(path: string, what: string, inputPath: SegmentInput | undefined): void {
  prepareOutputPath(path, what, inputPath);
  const target = statOf(path, statSync) === undefined ? dirname(path) : path;
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputFileError(path, {}, `cannot write the ${what} there (${code}).`, { cause: error });
  }
}
