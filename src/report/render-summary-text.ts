import { renderMappingLines } from './render-mapping-text.js';
import { renderSubscriptionText } from './render-subscription-text.js';
import type { ResumePlan, RunSummary } from './run-summary.js';
import { formatCount, formatSeconds, linesSuffix, plural, reasonLine } from './text-format.js';

export { formatCount, formatSeconds, plural };
import { renderSyncLines } from './sync-summary.js';

const JOB_IDS_SHOWN = 10;

/** The summary a person reads at the end of a run. Counts and line numbers only. */
export function renderSummaryText(summary: RunSummary): string {
  const out: string[] = [];
  const title =
    summary.command === 'validate' || summary.dryRun
      ? `Plan for ${summary.file}${summary.dryRun ? ' (dry run: nothing sent)' : ' (nothing sent)'}`
      : `Push of ${summary.file} to list ${describeList(summary)}`;
  out.push(title);
  out.push(`  rows read            ${formatCount(summary.rows.read)}`);
  out.push(`  valid profiles       ${formatCount(summary.rows.valid)}`);
  out.push(`  rejected             ${formatCount(summary.rows.rejected)}`);
  for (const reason of summary.rejectedByReason) out.push(`    ${reasonLine(reason)}`);
  out.push(`  duplicates           ${formatCount(summary.duplicates.count)}${linesSuffix(summary.duplicates)}`);
  for (const warning of summary.warnings)
    out.push(`  warning: ${warning.description} (${plural(warning.count, 'row')}${linesSuffix(warning)})`);
  out.push(
    `  exports / requests   ${formatCount(summary.plan.exports)} / ${formatCount(summary.plan.batches)} (at most ${formatCount(summary.plan.maxPerExport)} profiles per export, ${formatCount(summary.plan.maxPerRequest)} per request)`,
  );
  // A push shows its mapping before the first write (the `mapping` event); a plan shows it here.
  if (summary.command === 'validate' || summary.dryRun) out.push(...renderMappingLines(summary.mapping));
  const delivery = summary.delivery;
  if (delivery) {
    out.push(`  sent (accepted)      ${formatCount(delivery.sent)}`);
    out.push(`  imported by Klaviyo  ${formatCount(delivery.imported)}`);
    out.push(`  refused by Klaviyo   ${formatCount(delivery.refused)}`);
    for (const reason of delivery.refusedByKlaviyo) out.push(`    ${reasonLine(reason)}`);
    if (delivery.refusedWithoutDetail > 0) {
      out.push(
        `    without detail: ${formatCount(delivery.refusedWithoutDetail)} - Klaviyo's jobs counted them as failed or left them out without saying which rows`,
      );
    }
    if (delivery.unattributed.count > 0) {
      const jobs = delivery.unattributed.jobs.map((job) => job.jobId);
      out.push(
        `    unattributed: ${plural(delivery.unattributed.count, 'import error')} matched no profile sent (job${jobs.length === 1 ? '' : 's'} ${jobs.slice(0, JOB_IDS_SHOWN).join(', ')}${jobs.length > JOB_IDS_SHOWN ? ', ...' : ''})`,
      );
    }
    if (delivery.notDelivered.count > 0) {
      out.push(`  not delivered        ${formatCount(delivery.notDelivered.count)}${linesSuffix(delivery.notDelivered)}`);
    }
    if (delivery.unconfirmed > 0) {
      out.push(
        `  not yet confirmed    ${formatCount(delivery.unconfirmed)}${linesSuffix(delivery.unconfirmedLines)} (jobs still running at Klaviyo)`,
      );
      const running = delivery.jobs.filter((job) => job.status !== 'complete' && job.status !== 'cancelled').map((job) => job.jobId);
      const shown = running.slice(0, JOB_IDS_SHOWN).join(', ');
      if (running.length > 0)
        out.push(
          `  job ids              ${shown}${running.length > JOB_IDS_SHOWN ? `, ... ${formatCount(running.length - JOB_IDS_SHOWN)} more (--report lists all)` : ''}`,
        );
    }
    if (delivery.resumedBatches > 0)
      out.push(`  resumed              ${plural(delivery.resumedBatches, 'request')} confirmed by an earlier run`);
    out.push(
      `  requests             ${formatCount(delivery.requests)} (${formatCount(delivery.retries)} retries, ${formatCount(delivery.throttled)} throttled by Klaviyo, ${formatCount(delivery.resubmittedJobs)} cancelled jobs resubmitted)`,
    );
  }
  if (summary.subscription) out.push(...renderSubscriptionText(summary.subscription));
  if (summary.sync) out.push(...renderSyncLines(summary.sync));
  const prompt = summary.timings.promptMs >= 1000 ? ` (and ${formatSeconds(summary.timings.promptMs)} at the confirmation prompt)` : '';
  out.push(`  elapsed              ${formatSeconds(summary.timings.totalMs)}${prompt}`);
  out.push(summary.delivery?.stoppedBy ?? outcomeLine(summary));
  const resume = summary.delivery?.resume;
  if (resume && summary.outcome !== 'submitted') out.push(describeResume(resume));
  return `${out.join('\n')}\n`;
}

/** What was not imported, and why, in the summary's words: "3 refused by Klaviyo, 200 not delivered (HTTP 503 ...)". */
function describeProblems(summary: RunSummary): string {
  const delivery = summary.delivery;
  if (!delivery) return 'some profiles were not imported';
  const parts: string[] = [];
  if (delivery.refused > 0) parts.push(`${formatCount(delivery.refused)} refused by Klaviyo`);
  if (delivery.notDelivered.count > 0) {
    const [first, ...others] = delivery.notDeliveredCauses;
    const cause =
      first === undefined
        ? ''
        : ` (${first.description.replace(/\.$/, '')}${others.length > 0 ? `; ${plural(others.length, 'other cause')} in the report` : ''})`;
    parts.push(`${formatCount(delivery.notDelivered.count)} not delivered${cause}`);
  }
  if (delivery.unconfirmed > 0) parts.push(`${formatCount(delivery.unconfirmed)} not yet confirmed (jobs still running at Klaviyo)`);
  return parts.length > 0 ? parts.join(', ') : 'some profiles were not imported';
}

/** Said only when the checkpoint was kept: then, and only then, the same command resumes. */
function describeResume(resume: ResumePlan): string {
  const steps: string[] = [];
  const are = (n: number) => (n === 1 ? 'is' : 'are');
  if (resume.requestsConfirmed > 0)
    steps.push(`${plural(resume.requestsConfirmed, 'confirmed request')} ${are(resume.requestsConfirmed)} not sent again`);
  if (resume.jobsToFollow > 0) steps.push(`${plural(resume.jobsToFollow, 'accepted job')} ${are(resume.jobsToFollow)} followed up`);
  if (resume.requestsToSend > 0)
    steps.push(
      `${plural(resume.requestsToSend, 'request')} (${plural(resume.profilesToSend, 'profile')}) ${are(resume.requestsToSend)} sent`,
    );
  const command = resume.isWithoutRestart ? 'the same command without --restart' : 'the same command';
  return `Run ${command} again to resume from the checkpoint${steps.length > 0 ? `: ${steps.join('; ')}` : ''}.`;
}

function formatPercent(part: number, whole: number): string {
  const percent = whole === 0 ? 0 : (part * 100) / whole;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

function describeList(summary: RunSummary): string {
  return summary.listName ? `"${summary.listName}" (${summary.listId})` : String(summary.listId);
}

function outcomeLine(summary: RunSummary): string {
  switch (summary.outcome) {
    case 'declined':
      return 'Cancelled at the prompt: nothing was sent.';
    case 'nothing-to-send':
      return 'Failed: no row of the file holds a valid profile; nothing was sent.';
    case 'validated':
      return summary.rows.valid > 0 ? 'Ready: nothing was sent.' : 'No valid profile to send.';
    case 'delivered':
      return summary.rows.valid === 0
        ? 'Done: the file holds no profile to import.'
        : 'Done: every valid profile was imported into the list.';
    case 'partially-delivered':
      return `Done with problems: ${describeProblems(summary)} (see the rejects file or report).`;
    case 'not-delivered':
      return `Failed: no profile was imported; ${describeProblems(summary)}.`;
    case 'submitted':
      return 'Submitted: Klaviyo accepted the jobs; run the same command again without --no-wait to follow them to their end.';
    case 'deadline':
      return 'Stopped: the --timeout deadline passed; the counts above say what was and was not delivered.';
    case 'interrupted':
      return 'Interrupted: the counts above say what was and was not delivered.';
    case 'rejected-strict':
      return 'Failed (--strict): some rows were rejected.';
    case 'too-few-rows':
      return summary.rows.read === 0
        ? 'Refused: the file holds no data row, only a header (or nothing); nothing was sent. If the segment may be empty, pass --allow-empty.'
        : `Refused: the file holds ${plural(summary.rows.read, 'data row')}, fewer than --min-rows; nothing was sent.`;
    case 'too-many-rejected':
      return `Refused: ${formatPercent(summary.rows.rejected, summary.rows.read)} of the rows were rejected (${formatCount(summary.rows.rejected)} of ${formatCount(summary.rows.read)}), more than --max-rejected allows; nothing was sent.`;
    case 'empty':
      return 'Empty: the file holds no data row (--allow-empty); nothing was sent.';
  }
}
