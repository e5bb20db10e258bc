import { AuthError, ExitCode, KlaviyoApiError, type ExitCodeValue } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { clientLogOf, connectClient, connectionFromOptions, warnOfForeignBaseUrl, type ConnectionOptions } from '../connection-options.js';
import { clientEventsOf } from '../client-event-log.js';

export interface CheckCommandOptions extends ConnectionOptions {
  list: string;
  json?: boolean;
}

type CheckStatus = 'ok' | 'missing' | 'unknown';

interface CheckResult {
  name: string;
  ok: boolean;
  /** `unknown`: Klaviyo could not be reached or did not answer as its API does: cannot tell. */
  status: CheckStatus;
  message: string;
}

const WRITE_NOTE =
  'Write permission (scopes lists:write, profiles:write) cannot be checked without writing: the first upload of a push proves it; a key without it stops that push with exit 3 before anything is written.';

const LABELS: Record<CheckStatus, string> = { ok: 'ok     ', missing: 'MISSING', unknown: '?      ' };

/**
 * `check`: can this key do what a push needs? Only documented reads are sent (the list, one page of
 * import jobs). Exit 0 when they pass, 3 when Klaviyo refuses one, 1 when it cannot tell.
 */
export async function runCheck(context: CliContext, options: CheckCommandOptions): Promise<ExitCodeValue> {
  const requests = clientLogOf(context, options);
  const client = connectClient(warnOfForeignBaseUrl(context, connectionFromOptions(context, options)), {
    signal: context.signal,
    onEvent: clientEventsOf(requests),
  });
  const checks: CheckResult[] = [];
  const attempt = async (name: string, what: string, run: () => Promise<string>): Promise<CheckStatus> => {
    let check: CheckResult;
    try {
      check = { name, ok: true, status: 'ok', message: await run() };
    } catch (error) {
      if (error instanceof AuthError) check = { name, ok: false, status: 'missing', message: error.message };
      else if (error instanceof KlaviyoApiError)
        check = { name, ok: false, status: 'unknown', message: `Cannot tell whether the key can ${what}: ${error.message}` };
      else throw error;
    }
    checks.push(check);
    return check.status;
  };

  const listStatus = await attempt('list', 'read the list', async () => {
    const list = await client.getList(options.list);
    return `The key can read list "${list.name}" (${list.id}) (scope lists:read).`;
  });
  // A refused key refuses everything: one sentence about it is enough.
  if (listStatus !== 'missing' || !checks[0]?.message.includes('API key (')) {
    await attempt('jobs', 'read import jobs', async () => {
      await client.listRecentImportJobs(1);
      return 'The key can read import jobs (scopes lists:read, profiles:read).';
    });
  }
  requests.close();
  const isRefused = checks.some((check) => check.status === 'missing');
  const isUnknown = !isRefused && checks.some((check) => check.status === 'unknown');
  const allowed = isRefused ? false : isUnknown ? null : true;
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ listId: options.list, allowed, checks, note: WRITE_NOTE }, null, 2)}\n`);
  } else {
    for (const check of checks) context.stdout.write(`${LABELS[check.status]}  ${check.message}\n`);
    context.stdout.write(`note     ${WRITE_NOTE}\n`);
    context.stdout.write(
      allowed === true
        ? `A push to list ${options.list} would be allowed as far as reading goes.\n`
        : allowed === false
          ? `A push to list ${options.list} would fail: fix what is MISSING above.\n`
          : `Cannot tell whether a push to list ${options.list} would be allowed: Klaviyo did not answer (see above).\n`,
    );
  }
  if (isRefused) return ExitCode.auth;
  return isUnknown ? ExitCode.notDelivered : ExitCode.success;
}
