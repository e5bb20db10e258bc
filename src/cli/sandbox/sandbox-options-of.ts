import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import type { SandboxFaults, SandboxOptions, SandboxSeedProfile } from '../../index.js';
import { DEFAULT_SANDBOX_LISTS, type RefuseEmailsAs } from '../../sandbox/sandbox-types.js';

export interface SandboxCommandOptions {
  port: number;
  host: string;
  key?: string;
  rateLimits: boolean;
  /** Opt-in faults: behaviours Klaviyo's docs leave open. */
  seed?: number;
  cdnChallengeRate?: number;
  refuseEmails?: string;
  refuseAs?: RefuseEmailsAs;
  importErrorPointer?: 'profile' | 'data';
  importErrorPayload?: 'sent' | 'none';
  unknownJobStatus?: string;
  /** The lists use double opt-in: subscribing sends confirmation emails. */
  doubleOptIn?: boolean;
  /** Emails (one a line) of profiles that already unsubscribed from email marketing. */
  unsubscribed?: string;
}

/** The sandbox the options ask for; the email files they name are read relative to `cwd`. */
export function sandboxOptionsOf(cwd: string, options: SandboxCommandOptions, key: string): SandboxOptions {
  return {
    faults: faultsOf(cwd, options),
    ...(options.doubleOptIn ? { lists: DEFAULT_SANDBOX_LISTS.map((list) => ({ ...list, optInProcess: 'double_opt_in' as const })) } : {}),
    ...(options.unsubscribed === undefined ? {} : { profiles: unsubscribedProfiles(cwd, options.unsubscribed) }),
    host: options.host,
    port: options.port,
    keys: [{ key, scopes: 'all' }],
    rateLimits: options.rateLimits ? 'klaviyo' : 'off',
  };
}

function faultsOf(cwd: string, options: SandboxCommandOptions): SandboxFaults {
  const faults: SandboxFaults = {};
  if (options.seed !== undefined) faults.seed = options.seed;
  if (options.cdnChallengeRate !== undefined) faults.cdnChallengeRate = options.cdnChallengeRate;
  if (options.refuseEmails !== undefined) faults.refuseEmails = readEmailLines(cwd, options.refuseEmails, '--refuse-emails');
  if (options.refuseEmails !== undefined && options.refuseAs !== undefined) faults.refuseEmailsAs = options.refuseAs;
  if (options.importErrorPointer !== undefined) faults.importErrorPointer = options.importErrorPointer;
  if (options.importErrorPayload !== undefined) faults.importErrorPayload = options.importErrorPayload;
  if (options.unknownJobStatus !== undefined) faults.unknownJobStatus = options.unknownJobStatus;
  return faults;
}

/** `--unsubscribed <file>`: profiles that opted out before the rehearsal, to see them kept out. */
function unsubscribedProfiles(cwd: string, path: string): SandboxSeedProfile[] {
  const at = new Date().toISOString();
  return readEmailLines(cwd, path, '--unsubscribed').map((email) => ({
    email,
    emailConsent: 'UNSUBSCRIBED',
    emailConsentAt: at,
    suppressions: [{ reason: 'UNSUBSCRIBE', at }],
  }));
}

function readEmailLines(cwd: string, path: string, option: string): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${option} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
