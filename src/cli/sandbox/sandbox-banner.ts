import type { SandboxFaults } from '../../index.js';
import { describeSandboxAddress } from '../sandbox-address.js';

/** What `sandbox` prints once it listens: the address, the variables to export, the lists and the faults that are on. */
export function sandboxBanner(url: string, key: string, faults: SandboxFaults): string {
  const address = describeSandboxAddress(url);
  return [
    `Sandbox Klaviyo API listening on ${url}`,
    ...address.notes.map((note) => `  ${note}`),
    `  export KLAVIYO_BASE_URL=${address.baseUrl}`,
    `  export KLAVIYO_API_KEY=${key}`,
    `  lists: Y6nRLr (Newsletter), XyZ123 (VIP customers)`,
    `  list members: ${address.baseUrl}/__sandbox/lists/<id>/members`,
    ...(Object.keys(faults).length > 0 ? [`  faults: ${describeFaults(faults)}`] : []),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
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
