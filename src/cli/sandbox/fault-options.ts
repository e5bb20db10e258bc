import { InvalidArgumentError } from 'commander';
import type { RefuseEmailsAs } from '../../sandbox/sandbox-types.js';

/** The sandbox's opt-in faults as options: their help and their pure parsers (commander turns a parser's error into exit code 2). */
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
