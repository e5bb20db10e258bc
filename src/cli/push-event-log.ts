import type { PushEvent, RemainingWork, RunSummary } from '../index.js';
import { formatCount, plural } from '../report/render-summary-text.js';
import { renderMappingLines } from '../report/render-mapping-text.js';
import { describeDoubleOptIn } from '../report/render-subscription-text.js';
import { describeRejectsWritten } from '../report/rejects-written.js';
import { subscriptionDoneFields } from './subscribe-options.js';
import { DeliveryProgress } from './delivery-progress.js';
import type { LogFields, RunLog } from './run-log.js';
import { ClientEventLog } from './client-event-log.js';

/** Renders a push's events: milestone lines, JSON lines for log shippers, the live progress line. */
export class PushEventLog {
  readonly #log: RunLog;
  readonly #client: ClientEventLog;
  #validProfiles = 0;
  #progress: DeliveryProgress | undefined;

  constructor(log: RunLog, options: { verbose?: boolean } = {}) {
    this.#log = log;
    this.#client = new ClientEventLog(log, { verbose: Boolean(options.verbose) });
  }

  /** The run is over: no wait is left to tell. */
  close(): void {
    this.#client.close();
  }

  render(event: PushEvent): void {
    const log = this.#log;
    switch (event.type) {
      case 'preflight':
        return log.event('preflight', `Checking list ${event.listId}...`, { listId: event.listId });
      case 'preflight-ok':
        return log.event('preflight-ok', `List "${event.listName}" (${event.listId}) found.`, { listId: event.listId });
      case 'read':
        return log.event('read', `Reading ${event.isStdin ? 'standard input' : event.file}...`, { file: event.file });
      case 'notice':
        return log.event('notice', event.message);
      case 'read-progress':
        return log.live(`reading: ${formatCount(event.rows)} rows`);
      case 'mapping': {
        const { mapping } = event;
        return log.event('mapping', renderMappingLines(mapping, '').join('\n'), {
          email: mapping.email,
          fields: mapping.fields.map((field) => `${field.target}=${field.column}`),
          properties: mapping.properties.map((property) => `${property.name}:${property.type}`),
          notSent: mapping.notSent.map((column) => `${column.column}:${column.reason}`),
        });
      }
      case 'read-done': {
        const { rows, valid, rejected, duplicates, batches } = event;
        this.#validProfiles = valid;
        log.endLive();
        const message = `Read ${plural(rows, 'row')}: ${formatCount(valid)} valid, ${formatCount(rejected)} rejected, ${plural(duplicates, 'duplicate')}.`;
        return log.event('read-done', message, { rows, valid, rejected, duplicates, batches });
      }
      case 'checkpoint-restart':
        return log.event('checkpoint-restart', 'Starting from the beginning (--restart): any earlier checkpoint is ignored.', {
          checkpoint: event.checkpoint,
        });
      case 'checkpoint-resume': {
        const { checkpoint, confirmed, submitted } = event;
        const message = `Resuming the earlier, unfinished push of this file to this list: ${confirmed} requests already confirmed, ${submitted} jobs to follow up (${checkpoint}).`;
        return log.event('checkpoint-resume', message, { checkpoint, confirmed, submitted }, 'warn');
      }
      case 'checkpoint-mismatch':
        return log.event(
          'checkpoint-mismatch',
          `Not resuming the earlier push: ${event.reason}; sending everything.`,
          { checkpoint: event.checkpoint, reason: event.reason },
          'warn',
        );
      case 'send':
        this.#progress = new DeliveryProgress(log, this.#validProfiles, () => Date.now());
        return log.event('send', describeWork(event, event.listId), {
          profiles: event.profilesToSend,
          requests: event.requestsToSend,
          jobsToFollow: event.jobsToFollow,
          listId: event.listId,
        });
      case 'accepted':
        this.#progress?.accepted(event.profiles);
        return log.event(
          'accepted',
          `Request ${event.batch + 1}/${event.batches} accepted as job ${event.jobId}.`,
          { batch: event.batch, jobId: event.jobId, profiles: event.profiles },
          'debug',
        );
      case 'confirmed':
        this.#client.waits.jobFinished(event.jobId);
        return this.#progress?.confirmed(event.imported);
      case 'job':
        this.#client.waits.jobPolled(event.jobId, event.status);
        return log.event('job', `Job ${event.jobId}: ${event.status}.`, fieldsOf(event), 'debug');
      case 'job-status-unknown':
        return log.event(
          'job',
          `Job ${event.jobId} has a status Klaviyo does not document ("${event.status}"); still following it.`,
          { jobId: event.jobId, status: event.status },
          'warn',
        );
      case 'throttled':
      case 'retry':
      case 'paced':
      case 'request':
        return this.#client.render(event);
      case 'stopping':
        return log.event('stopping', `${event.reason} Finishing the requests in flight, then reporting.`, {}, 'warn');
      case 'rejects-written':
        return log.event('rejects-written', describeRejectsWritten(event), { rows: event.rows, byKind: event.byKind });
      case 'double-opt-in':
        return log.event('double-opt-in', describeDoubleOptIn(event.listName, event.confirmationEmails), fieldsOf(event), 'warn');
      case 'subscribe':
        return log.event('subscribe', `Looking up and subscribing ${plural(event.consenting, 'consenting profile')}...`, fieldsOf(event));
      case 'subscribe-progress':
        return log.live(`subscribing: ${formatCount(event.done)} of ${formatCount(event.total)} consenting rows`);
      case 'subscribe-done': {
        log.endLive();
        const { subscribed, keptOptedOut, refused, notSubscribed, isComplete } = event;
        const message = `Subscribed ${formatCount(subscribed)}; kept ${formatCount(keptOptedOut)} opted out; ${formatCount(refused)} refused by Klaviyo.`;
        return log.event('subscribe-done', message, { subscribed, keptOptedOut, refused, notSubscribed }, isComplete ? 'info' : 'warn');
      }
      case 'list-read': {
        const count = event.members === undefined ? 'its members' : plural(event.members, 'member');
        const message = `Reading ${count} of list ${event.listId} (--mirror-source list, 100 a request at Klaviyo's pace: about ${formatDuration(event.estimateMs)})...`;
        return log.event('list-read', message, fieldsOf(event));
      }
      case 'list-read-progress':
        return log.live(`reading the list: ${formatCount(event.members)} members`);
      case 'list-read-done':
        log.endLive();
        return log.event(
          'list-read-done',
          `Read ${plural(event.members, 'list member')} (${formatCount(event.withoutEmail)} without an email, kept).`,
          fieldsOf(event),
        );
      case 'sync-plan': {
        const message = `Compared with the last run: ${formatCount(event.added)} new, ${formatCount(event.updated)} updated, ${formatCount(event.unchanged)} unchanged${event.skipped > 0 ? ` (${formatCount(event.skipped)} not sent)` : ''}; ${plural(event.removals, 'member')} to remove of ${formatCount(event.knownMembers)} known.`;
        return log.event('sync-plan', message, fieldsOf(event));
      }
      case 'mirror-no-state':
        return log.event('mirror-no-state', `--mirror: ${event.message}`, {}, 'warn');
      case 'mirror-skipped':
        return log.event('mirror-skipped', `--mirror: ${event.reason}`, {}, 'warn');
      case 'remove':
        return log.event('remove', `Removing ${plural(event.profiles, 'member')} from list ${event.listId}...`, fieldsOf(event));
      case 'removed':
        log.live(`removing: ${formatCount(event.done)} of ${formatCount(event.total)}`);
        return log.event(
          'removed',
          `Removals settled: ${formatCount(event.done)} of ${formatCount(event.total)}.`,
          fieldsOf(event),
          'debug',
        );
      case 'remove-done': {
        log.endLive();
        const failed = event.failed > 0 ? `; ${formatCount(event.failed)} failed (${event.firstFailure ?? 'unknown'})` : '';
        const left = event.notAttempted > 0 ? `; ${formatCount(event.notAttempted)} not attempted` : '';
        const message = `Removed ${plural(event.removed, 'member')}${failed}${left}.`;
        return log.event('remove-done', message, fieldsOf(event), event.failed + event.notAttempted > 0 ? 'warn' : 'info');
      }
    }
  }
}

export function describeWork(work: RemainingWork, listId: string): string {
  const sending = `Sending ${plural(work.profilesToSend, 'profile')} in ${plural(work.requestsToSend, 'request')} to list ${listId}`;
  const earlier: string[] = [];
  if (work.jobsToFollow > 0) earlier.push(`following up ${plural(work.jobsToFollow, 'job')} accepted earlier`);
  if (work.requestsConfirmed > 0) earlier.push(`${plural(work.requestsConfirmed, 'request')} already confirmed`);
  return `${sending}${earlier.length > 0 ? ` (${earlier.join(', ')})` : ''}...`;
}

/** The counts a log shipper wants from the final event: no personal data. */
export function doneFields(summary: RunSummary): LogFields {
  const delivery = summary.delivery;
  return {
    outcome: summary.outcome,
    rows: summary.rows.read,
    valid: summary.rows.valid,
    rejected: summary.rows.rejected,
    duplicates: summary.rows.duplicates,
    sent: delivery?.sent,
    imported: delivery?.imported,
    refused: delivery?.refused,
    notDelivered: delivery?.notDelivered.count,
    unconfirmed: delivery?.unconfirmed,
    requests: delivery?.requests,
    retries: delivery?.retries,
    throttled: delivery?.throttled,
    ...subscriptionDoneFields(summary.subscription),
    elapsedMs: summary.timings.totalMs,
    ...(summary.sync === null
      ? {}
      : {
          added: summary.sync.added,
          updated: summary.sync.updated,
          unchanged: summary.sync.unchanged,
          removalsPlanned: summary.sync.removals.planned,
          removed: summary.sync.removals.done,
          removalsFailed: summary.sync.removals.failed,
          membersKept: summary.sync.membersKept,
        }),
  };
}

/** The event's own fields, without its type, as the JSON line carries them. */
function fieldsOf(event: Exclude<PushEvent, { type: 'mapping' }>): LogFields {
  const { type: _type, ...fields } = event;
  return fields;
}

function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min${seconds % 60 === 0 ? '' : ` ${seconds % 60} s`}`;
}
