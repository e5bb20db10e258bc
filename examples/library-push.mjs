// klaviyo-export as a library: push the bundled example segment into a list of the local sandbox
// Klaviyo. Run it with `npm run demo:library` (after `npm run build`), or copy it into a project
// that installed klaviyo-export. Against the real Klaviyo, leave out the sandbox and pass your key
// and list id.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SANDBOX_KEY, ExportError, pushSegment, startSandbox } from 'klaviyo-export';

const sandbox = await startSandbox({ rateLimits: 'off', jobProcessing: { queuedMs: 100, profilesPerSecond: 50_000 } });
const stateDir = await mkdtemp(join(tmpdir(), 'klaviyo-export-example-'));
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
try {
  const summary = await pushSegment(
    {
      file: fileURLToPath(new URL('./segment.csv', import.meta.url)),
      listId: 'Y6nRLr',
      connection: { apiKey: DEFAULT_SANDBOX_KEY, baseUrl: sandbox.url },
      map: ['first_name=First Name', 'last_name=Last Name', 'properties.tier=Tier'],
      stateDir,
      signal: stop.signal,
    },
    {
      onEvent: (event) => {
        if (event.type === 'read-done') console.log(`read ${event.rows} rows: ${event.valid} valid, ${event.rejected} rejected`);
        if (event.type === 'send') console.log(`sending ${event.profilesToSend} profiles in ${event.requestsToSend} request(s)`);
      },
    },
  );
  const { outcome, delivery } = summary;
  console.log(`${outcome}: ${delivery?.imported ?? 0} profiles imported, ${delivery?.refused ?? 0} refused (report version ${summary.version})`);
  console.log(`the list now has ${sandbox.listMemberEmails('Y6nRLr').length} members`);
  process.exitCode = outcome === 'delivered' ? 0 : 1;
} catch (error) {
  // Every error the library throws is an ExportError: one sentence and the exit code the CLI would use.
  if (!(error instanceof ExportError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = error.exitCode;
} finally {
  await sandbox.close();
  await rm(stateDir, { recursive: true, force: true });
}
