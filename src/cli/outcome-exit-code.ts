import { ExitCode, type ExitCodeValue, type RunOutcome } from '../index.js';

/** What each outcome tells cron and CI (docs/exit-codes.md). */
const EXIT_CODES: Readonly<Record<RunOutcome, ExitCodeValue>> = {
  validated: ExitCode.success,
  delivered: ExitCode.success,
  submitted: ExitCode.success,
  'rejected-strict': ExitCode.usage,
  'too-few-rows': ExitCode.usage,
  'too-many-rejected': ExitCode.usage,
  empty: ExitCode.success,
  'nothing-to-send': ExitCode.notDelivered,
  declined: ExitCode.notDelivered,
  'partially-delivered': ExitCode.notDelivered,
  'not-delivered': ExitCode.notDelivered,
  // CI reads a passed deadline as "not everything delivered"; a signal is the user's own stop.
  deadline: ExitCode.notDelivered,
  interrupted: ExitCode.interrupted,
};

export function exitCodeOf(outcome: RunOutcome): ExitCodeValue {
  return EXIT_CODES[outcome];
}

/** The `done` event is a warning unless every profile went where it was asked to. */
export function isCompleteOutcome(outcome: RunOutcome): boolean {
  return outcome === 'delivered' || outcome === 'submitted';
}
