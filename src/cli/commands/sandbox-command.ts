import { ExitCode, UsageError, type ExitCodeValue } from '../../errors.js';
import { DEFAULT_SANDBOX_KEY, startSandbox } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { sandboxBanner } from '../sandbox/sandbox-banner.js';
import { sandboxOptionsOf, type SandboxCommandOptions } from '../sandbox/sandbox-options-of.js';

/** Runs the local fake Klaviyo until SIGINT/SIGTERM. */
export async function runSandbox(context: CliContext, options: SandboxCommandOptions): Promise<ExitCodeValue> {
  const key = options.key ?? DEFAULT_SANDBOX_KEY;
  const sandboxOptions = sandboxOptionsOf(context.cwd, options, key);
  const sandbox = await startSandbox(sandboxOptions).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      throw new UsageError(`Port ${options.port} on ${options.host} is already in use; choose another with --port (0 picks a free one).`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
      throw new UsageError(`Cannot listen on ${options.host}: no such local address.`);
    throw error;
  });
  context.stdout.write(sandboxBanner(sandbox.url, key, sandboxOptions.faults ?? {}));
  // A Ctrl-C during startup has already fired: it must still end the run.
  if (!context.signal.aborted) {
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  await sandbox.close();
  return ExitCode.success;
}
