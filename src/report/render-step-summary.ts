import { formatCount, formatSeconds, plural } from './render-summary-text.js';
import type { ReasonCount, RunOutcome, RunSummary } from './run-summary.js';
import type { VerifyOutcome, VerifySummary } from './verify-summary.js';

/**
 * The CI view of a run: a short Markdown summary (GitHub Actions shows `GITHUB_STEP_SUMMARY` on the
 * run page) and one annotation line for the outcome. Counts, reasons, job ids and times only: every
 * text that comes from outside (file and list names, Klaviyo's reasons) has email-like text removed.
 */

export type AnnotationLevel = 'notice' | 'warning' | 'error';

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
}

const JOB_IDS_SHOWN = 10;

const PUSH_OUTCOMES: Record<RunOutcome, { level: AnnotationLevel; label: string }> = {
  validated: { level: 'notice', label: 'validated, nothing sent' },
  delivered: { level: 'notice', label: 'delivered' },
  submitted: { level: 'notice', label: 'submitted, not yet confirmed' },
  'partially-delivered': { level: 'warning', label: 'partially delivered' },
  declined: { level: 'warning', label: 'declined at the prompt' },
  deadline: { level: 'warning', label: 'stopped at the --timeout deadline' },
  interrupted: { level: 'warning', label: 'interrupted' },
  'not-delivered': { level: 'error', label: 'not delivered' },
  'nothing-to-send': { level: 'error', label: 'no valid profile in the file' },
  'rejected-strict': { level: 'error', label: 'rows rejected (--strict), nothing sent' },
  'too-few-rows': { level: 'error', label: 'fewer rows than --min-rows, nothing sent' },
  'too-many-rejected': { level: 'error', label: 'more rows rejected than --max-rejected, nothing sent' },
  empty: { level: 'notice', label: 'empty file (--allow-empty), nothing sent' },
};

const VERIFY_OUTCOMES: Record<VerifyOutcome, { level: AnnotationLevel; label: string }> = {
  'all-present': { level: 'notice', label: 'every checked row is in the list' },
  'some-missing': { level: 'error', label: 'rows missing from the list' },
  'nothing-to-check': { level: 'error', label: 'no valid profile in the file' },
  'rejected-strict': { level: 'error', label: 'rows rejected (--strict), nothing checked' },
};

export function renderRunStepSummary(summary: RunSummary): string {
  const { label } = PUSH_OUTCOMES[summary.outcome];
  const out = [
    `### klaviyo-export ${summary.command}: ${label}`,
    '',
    `${describeTarget(summary.file, summary.listId, summary.listName)}`,
    '',
  ];
  const counts: [string, number][] = [
    ['rows read', summary.rows.read],
    ['valid profiles', summary.rows.valid],
    ['rejected', summary.rows.rejected],
    ['duplicates', summary.rows.duplicates],
  ];
  const delivery = summary.delivery;
  if (delivery) {
    counts.push(['sent (accepted)', delivery.sent], ['imported', delivery.imported], ['refused by Klaviyo', delivery.refused]);
    if (delivery.notDelivered.count > 0) counts.push(['not delivered', delivery.notDelivered.count]);
    if (delivery.unconfirmed > 0) counts.push(['not yet confirmed', delivery.unconfirmed]);
  }
  const sync = summary.sync;
  if (sync) {
    counts.push(['new in the list', sync.added], ['updated', sync.updated]);
    if (sync.changedOnly) counts.push(['unchanged (skipped)', sync.unchanged]);
    if (sync.mirror !== null) {
      counts.push(['removals planned', sync.removals.planned], ['removed', sync.removals.done], ['removal failed', sync.removals.failed]);
      if (sync.mirror === 'list') counts.push(['members kept (no email)', sync.membersKept]);
    }
  }
  out.push(...countTable(counts));
  out.push(...reasonTable('rejected', summary.rejectedByReason), ...reasonTable('refused by Klaviyo', delivery?.refusedByKlaviyo ?? []));
  if (delivery && delivery.jobs.length > 0) {
    const complete = delivery.jobs.filter((job) => job.status === 'complete').length;
    const ids = delivery.jobs.slice(0, JOB_IDS_SHOWN).map((job) => `\`${job.jobId}\``);
    const more = delivery.jobs.length > JOB_IDS_SHOWN ? `, ... ${formatCount(delivery.jobs.length - JOB_IDS_SHOWN)} more` : '';
    out.push('', `**Jobs**: ${formatCount(delivery.jobs.length)} (${formatCount(complete)} complete): ${ids.join(', ')}${more}`);
  }
  if (delivery) {
    out.push(
      '',
      `**Requests**: ${formatCount(delivery.requests)} (${formatCount(delivery.retries)} retries, ${formatCount(delivery.throttled)} throttled)`,
    );
  }
  out.push(
    '',
    `**Time**: ${formatSeconds(summary.timings.totalMs)} (read ${formatSeconds(summary.timings.readMs)}, send ${formatSeconds(summary.timings.sendMs)})`,
  );
  return finish(out);
}

export function renderVerifyStepSummary(summary: VerifySummary): string {
  const { label } = VERIFY_OUTCOMES[summary.outcome];
  const { sample } = summary;
  const checked =
    sample.all || sample.checked < (sample.size ?? 0)
      ? 'every valid row'
      : `a random sample of ${formatCount(sample.size ?? 0)} rows (seed ${sample.seed ?? ''})`;
  const out = [
    `### klaviyo-export verify: ${label}`,
    '',
    `${describeTarget(summary.file, summary.listId, summary.listName)}; checked ${checked}`,
    '',
  ];
  const counts: [string, number][] = [
    ['rows read', summary.rows.read],
    ['valid profiles', summary.rows.valid],
    ['rejected', summary.rows.rejected],
    ['duplicates', summary.rows.duplicates],
    ['checked', summary.sample.checked],
    ['in the list', summary.present],
    ['missing', summary.missing.count],
  ];
  if (summary.attributes) counts.push(['with differing attributes', summary.attributes.mismatched]);
  out.push(...countTable(counts));
  out.push(...reasonTable('rejected', summary.rejectedByReason));
  if (summary.attributes && summary.attributes.byField.length > 0) {
    out.push('', '| differing field | column | rows |', '|---|---|---:|');
    for (const field of summary.attributes.byField)
      out.push(`| ${cell(field.field)} | ${cell(field.column)} | ${formatCount(field.count)} |`);
  }
  out.push(
    '',
    `**Requests**: ${formatCount(summary.requests.requests)} (${formatCount(summary.requests.retries)} retries, ${formatCount(summary.requests.throttled)} throttled)`,
    '',
    `**Time**: ${formatSeconds(summary.timings.totalMs)} (read ${formatSeconds(summary.timings.readMs)}, check ${formatSeconds(summary.timings.checkMs)})`,
  );
  return finish(out);
}

export function renderFailureStepSummary(failure: { command: string; message: string; exitCode: number }): string {
  return finish([`### klaviyo-export ${cell(failure.command)}: failed (exit ${failure.exitCode})`, '', cell(failure.message)]);
}

export function runAnnotation(summary: RunSummary): Annotation {
  const { level: outcomeLevel, label } = PUSH_OUTCOMES[summary.outcome];
  // Rows left out of a run that otherwise went well still need someone to look at them.
  const level = outcomeLevel === 'notice' && summary.rows.rejected > 0 ? 'warning' : outcomeLevel;
  const delivery = summary.delivery;
  const counts = delivery
    ? `${formatCount(delivery.imported)} of ${formatCount(summary.rows.valid)} valid profiles imported, ${formatCount(delivery.refused)} refused, ${plural(summary.rows.rejected, 'row')} rejected`
    : `${plural(summary.rows.valid, 'valid profile')}, ${plural(summary.rows.rejected, 'row')} rejected`;
  return { level, title: `klaviyo-export ${summary.command}`, message: redactEmails(`${capitalize(label)}: ${counts}.`) };
}

export function verifyAnnotation(summary: VerifySummary): Annotation {
  const outcome = VERIFY_OUTCOMES[summary.outcome];
  const mismatched = summary.attributes?.mismatched ?? 0;
  const level = outcome.level === 'notice' && mismatched > 0 ? 'warning' : outcome.level;
  const attributes = summary.attributes ? `, ${formatCount(mismatched)} with differing attributes` : '';
  const counts = `${formatCount(summary.present)} of ${formatCount(summary.sample.checked)} checked rows in list ${summary.listId}, ${formatCount(summary.missing.count)} missing${attributes}`;
  return { level, title: 'klaviyo-export verify', message: redactEmails(`${capitalize(outcome.label)}: ${counts}.`) };
}

/** https://docs.github.com/actions/reference/workflow-commands-for-github-actions: `::error title=...::message`. */
export function formatAnnotation(annotation: Annotation): string {
  const property = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return `::${annotation.level} title=${property(annotation.title)}::${escapeData(annotation.message)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function describeTarget(file: string, listId: string | null, listName: string | null): string {
  const list = listId === null ? '' : ` to list ${listName ? `${cell(listName)} ` : ''}(\`${cell(listId)}\`)`;
  return `File \`${cell(file)}\`${list}`;
}

function countTable(rows: readonly [string, number][]): string[] {
  return ['| | rows |', '|---|---:|', ...rows.map(([label, count]) => `| ${label} | ${formatCount(count)} |`)];
}

function reasonTable(title: string, reasons: readonly ReasonCount[]): string[] {
  if (reasons.length === 0) return [];
  return [
    '',
    `| ${title}: reason | rows | |`,
    '|---|---:|---|',
    ...reasons.map((reason) => `| ${cell(reason.reason)} | ${formatCount(reason.count)} | ${cell(reason.description)} |`),
  ];
}

/** Text inside a table cell or code span: no pipe, backtick or line break may end it early. */
function cell(text: string): string {
  return redactEmails(text)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'");
}

function finish(lines: readonly string[]): string {
  return `${redactEmails(lines.join('\n'))}\n\n`;
}

/** The last guard: whatever a name or a reason holds, no address leaves in a CI summary. */
export function redactEmails(text: string): string {
  // A sentence's last period is not part of the address.
  return text.replace(/[^\s"'`<>(),;|]+@[^\s"'`<>(),;|]*[^\s"'`<>(),;|.]/g, '<email>');
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
