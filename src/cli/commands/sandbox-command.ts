import { DEFAULT_SANDBOX_KEY, ExitCode, startSandbox, UsageError, type ExitCodeValue } from '../../index.js';
import type { CliContext } from '../cli-context.js';

export interface SandboxCommandOptions {
  port: number;
  host: string;
  key?: string;
  rateLimits: boolean;
}

/** Runs the local fake Klaviyo until SIGINT/SIGTERM. */
export async function runSandbox(context: CliContext, options: SandboxCommandOptions): Promise<ExitCodeValue> {
  const key = options.key ?? DEFAULT_SANDBOX_KEY;
  const sandbox = await startSandbox({
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
  context.stdout.write(
    [
      `Sandbox Klaviyo API listening on ${sandbox.url}`,
      `  export KLAVIYO_BASE_URL=${sandbox.url}`,
      `  export KLAVIYO_API_KEY=${key}`,
      `  lists: Y6nRLr (Newsletter), XyZ123 (VIP customers)`,
      `  list members: ${sandbox.url}/__sandbox/lists/<id>/members`,
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
