/**
 * Checks the TypeScript project of `configPath` (a tsconfig.json) for import cycles, tolerating
 * those whose files are listed in `tolerated` (by default the script's own list). Returns the exit
 * code and the lines to print.
 */
export declare function checkImportCycles(
  configPath: string,
  tolerated?: readonly (readonly string[])[],
): { exitCode: 0 | 1 | 2; lines: string[] };
