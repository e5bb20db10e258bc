import type { PushPorts } from '../plan/push-request.js';
import type { PushRun } from './push-run.js';
import type { SegmentRead } from './read-segment.js';
import { changesOf } from './sync-steps.js';

/**
 * Writing to the wrong list is the costly mistake: the caller may show what will happen and ask.
 * True without a `confirm` port, or when there is nothing to write.
 */
export async function isPushConfirmed(run: PushRun, read: SegmentRead, removals: number, ports: PushPorts): Promise<boolean> {
  const { scan } = read;
  const profiles = scan.validProfiles - scan.skippedProfiles;
  if (!ports.confirm || (profiles === 0 && removals === 0)) return true;
  const accountName = await run.client.getAccount().then(
    (account) => account.name,
    () => undefined,
  );
  const question = {
    listId: run.list.id,
    listName: run.list.name,
    accountName,
    profiles,
    removals,
    confirmationEmails: read.confirmationEmails,
  };
  const changes = run.sync === undefined ? undefined : changesOf(run.sync, scan.skippedProfiles);
  return ports.confirm(changes === undefined ? question : { ...question, changes }, run.stops.soft);
}
