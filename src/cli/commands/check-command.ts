import { AuthError, ExitCode, type ExitCodeValue } from '../../errors.js';
import { SCOPE_PROBE_BODY } from '../../export/preflight.js';
import type { CliContext } from '../cli-context.js';
import { connectClient, resolveConnection, type ConnectionOptions } from '../connection-options.js';

export interface CheckCommandOptions extends ConnectionOptions {
  list: string;
  json?: boolean;
}

interface CheckResult {
  name: string;
  ok: boolean;
  message: string;
}

/** `check`: would a push to this list be allowed? Exit 0 when it would, 3 when not. */
export async function runCheck(context: CliContext, options: CheckCommandOptions): Promise<ExitCodeValue> {
  const client = connectClient(resolveConnection(context, options), { signal: context.signal });
  const checks: CheckResult[] = [];
  const attempt = async (name: string, run: () => Promise<string>): Promise<boolean> => {
    try {
      checks.push({ name, ok: true, message: await run() });
      return true;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      checks.push({ name, ok: false, message: error.message });
      return false;
    }
  };

  const hasKey = await attempt('list', async () => {
    const list = await client.getList(options.list);
    return `The key can read list "${list.name}" (${list.id}) (scope lists:read).`;
  });
  if (hasKey || !checks[0]?.message.includes('(401)')) {
    await attempt('import', async () => {
      await client.createProfileImportJob(SCOPE_PROBE_BODY);
      return 'The key may import profiles into lists (scopes lists:write, profiles:write).';
    });
    await attempt('jobs', async () => {
      await consume(client.listImportErrors('00000000-probe')).catch((error: unknown) => {
        if (error instanceof AuthError) throw error;
      });
      return 'The key can follow import jobs (scope profiles:read).';
    });
  }
  const isAllowed = checks.length > 0 && checks.every((check) => check.ok);
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ listId: options.list, allowed: isAllowed, checks }, null, 2)}\n`);
  } else {
    for (const check of checks) context.stdout.write(`${check.ok ? 'ok     ' : 'MISSING'}  ${check.message}\n`);
    context.stdout.write(
      isAllowed
        ? `A push to list ${options.list} would be allowed.\n`
        : `A push to list ${options.list} would fail: fix what is MISSING above.\n`,
    );
  }
  return isAllowed ? ExitCode.success : ExitCode.auth;
}

async function consume(items: AsyncIterable<unknown>): Promise<void> {
  for await (const _item of items) break;
}
