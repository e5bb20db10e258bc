import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors.js';
import { DEFAULT_SANDBOX_KEY, startSandbox, type SandboxFaults, type SandboxSeedProfile } from '../../index.js';
import { DEFAULT_SANDBOX_LISTS } from '../../sandbox/sandbox-types.js';
import type { RefuseEmailsAs } from '../../sandbox/sandbox-types.js';
import type { CliContext } from '../cli-context.js';
import { describeSandboxAddress } from '../sandbox-address.js';

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

export const SANDBOX_FAULTS_HELP = `
Faults (opt-in; what Klaviyo's docs leave open, to rehearse a push against):
  --cdn-challenge-rate 0.2        a share of requests meets a CDN challenge page
                                  (403 text/html, cf-mitigated: challenge)
  --refuse-emails bad.txt         those emails (one a line) are refused: by the bulk
  --refuse-as first|all|none      import's 400 naming the first, all or none of them
              |import-errors      (pointer /data), or as the job's import errors
  --import-error-pointer data     import errors point only at /data, naming nobody
  --import-error-payload none     import errors carry no original_payload (null)
  --unknown-job-status validating jobs report a status the spec does not name
                                  until they are final
  --seed 7                        the same seed gives the same faults`;

/** Pure parsers for the fault options; commander turns their errors into exit code 2. */
export function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !(rate >= 0 && rate <= 1)) throw new InvalidArgumentError('Use a number from 0 to 1, such as 0.2.');
  return rate;
}

export function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) throw new InvalidArgumentError('Use a whole number.');
  return Number(value);
}

export function parseRefuseAs(value: string): RefuseEmailsAs {
  if (value === 'first' || value === 'all' || value === 'none' || value === 'import-errors') return value;
  throw new InvalidArgumentError('Use first, all, none or import-errors.');
}

export function parseImportErrorPayload(value: string): 'sent' | 'none' {
  if (value === 'sent' || value === 'none') return value;
  throw new InvalidArgumentError('Use none or sent.');
}

export function parseImportErrorPointer(value: string): 'profile' | 'data' {
  if (value === 'profile' || value === 'data') return value;
  throw new InvalidArgumentError('Use data or profile.');
}

/** `--unsubscribed <file>`: profiles that opted out before the rehearsal, to see them kept out. */
function unsubscribedProfiles(context: CliContext, path: string): SandboxSeedProfile[] {
  const at = new Date().toISOString();
  return readEmailLines(context, path, '--unsubscribed').map((email) => ({
    email,
    emailConsent: 'UNSUBSCRIBED',
    emailConsentAt: at,
    suppressions: [{ reason: 'UNSUBSCRIBE', at }],
  }));
}

function readEmailLines(context: CliContext, path: string, option: string): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(context.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${option} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function faultsOf(context: CliContext, options: SandboxCommandOptions): SandboxFaults {
  const faults: SandboxFaults = {};
  if (options.seed !== undefined) faults.seed = options.seed;
  if (options.cdnChallengeRate !== undefined) faults.cdnChallengeRate = options.cdnChallengeRate;
  if (options.refuseEmails !== undefined) {
    let text: string;
    try {
      text = readFileSync(resolve(context.cwd, options.refuseEmails), 'utf8');
    } catch (error) {
      throw new UsageError(
        `Cannot read --refuse-emails ${options.refuseEmails}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      );
    }
    faults.refuseEmails = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }
  if (options.refuseEmails !== undefined && options.refuseAs !== undefined) faults.refuseEmailsAs = options.refuseAs;
  if (options.importErrorPointer !== undefined) faults.importErrorPointer = options.importErrorPointer;
  if (options.importErrorPayload !== undefined) faults.importErrorPayload = options.importErrorPayload;
  if (options.unknownJobStatus !== undefined) faults.unknownJobStatus = options.unknownJobStatus;
  return faults;
}

/** Runs the local fake Klaviyo until SIGINT/SIGTERM. */
export async function runSandbox(context: CliContext, options: SandboxCommandOptions): Promise<ExitCodeValue> {
  const key = options.key ?? DEFAULT_SANDBOX_KEY;
  const faults = faultsOf(context, options);
  const sandbox = await startSandbox({
    faults,
    ...(options.doubleOptIn ? { lists: DEFAULT_SANDBOX_LISTS.map((list) => ({ ...list, optInProcess: 'double_opt_in' as const })) } : {}),
    ...(options.unsubscribed === undefined ? {} : { profiles: unsubscribedProfiles(context, options.unsubscribed) }),
    host: options.host,
    port: options.port,
    keys: [{ key, scopes: 'all' }],
    rateLimits: options.rateLimits ? 'klaviyo' : 'off',
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      throw new UsageError(`Port ${options.port} on ${options.host} is already in use; choose another with --port (0 picks a free one).`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
      throw new UsageError(`Cannot listen on ${options.host}: no such local address.`);
    throw error;
  });
  const address = describeSandboxAddress(sandbox.url);
  context.stdout.write(
    [
      `Sandbox Klaviyo API listening on ${sandbox.url}`,
      ...address.notes.map((note) => `  ${note}`),
      `  export KLAVIYO_BASE_URL=${address.baseUrl}`,
      `  export KLAVIYO_API_KEY=${key}`,
      `  lists: Y6nRLr (Newsletter), XyZ123 (VIP customers)`,
      `  list members: ${address.baseUrl}/__sandbox/lists/<id>/members`,
      ...(Object.keys(faults).length > 0 ? [`  faults: ${describeFaults(faults)}`] : []),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  // A Ctrl-C during startup has already fired: it must still end the run.
  if (!context.signal.aborted) {
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  await sandbox.close();
  return ExitCode.success;
}

/** Names the faults that are on; never the refused emails themselves. */
function describeFaults(faults: SandboxFaults): string {
  const parts: string[] = [];
  if (faults.cdnChallengeRate) parts.push(`CDN challenge pages for ${faults.cdnChallengeRate * 100}% of requests`);
  if (faults.refuseEmails) parts.push(`${faults.refuseEmails.length} emails refused (${faults.refuseEmailsAs ?? 'all'})`);
  if (faults.importErrorPointer === 'data') parts.push('import errors point at /data');
  if (faults.importErrorPayload === 'none') parts.push('import errors without payload');
  if (faults.unknownJobStatus) parts.push(`jobs report status "${faults.unknownJobStatus}"`);
  if (faults.seed !== undefined) parts.push(`seed ${faults.seed}`);
  return parts.join(', ');
}
