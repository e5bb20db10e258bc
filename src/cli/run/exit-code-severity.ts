import { ExitCode, type ExitCodeValue } from '../../errors.js';

/**
 * The exit code of several runs is the most severe of theirs, in this order (docs/exit-codes.md):
 * a stop, a bug, a refused key, a broken file or config, a held lock, undelivered rows.
 */
export const EXIT_CODE_SEVERITY: readonly ExitCodeValue[] = [
  ExitCode.interrupted,
  ExitCode.internal,
  ExitCode.auth,
  ExitCode.usage,
  ExitCode.locked,
  ExitCode.notDelivered,
  ExitCode.success,
];

export function mostSevere(codes: readonly ExitCodeValue[]): ExitCodeValue {
  return EXIT_CODE_SEVERITY.find((code) => codes.includes(code)) ?? ExitCode.success;
}

/** What `run` and `exports` show of a run: the exit code in words. */
export const OUTCOME_OF_EXIT_CODE: Readonly<Record<ExitCodeValue, string>> = {
  0: 'succeeded',
  1: 'not-all-delivered',
  2: 'usage-or-input-error',
  3: 'auth-error',
  4: 'locked',
  70: 'internal-error',
  130: 'interrupted',
};
