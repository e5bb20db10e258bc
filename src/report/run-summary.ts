/**
 * Everything a run learned, as plain data. Every report (console text, --json, --report) renders
 * this one object. It holds line numbers and counts, never an email address or another value.
 */
import type { SyncSummary } from './sync-summary.js';

export const REPORT_VERSION = 1;

/** Lines kept per reason in the summary; the rejects file holds every row. */
export const MAX_LINES_PER_REASON = 1_000;

export interface LineList {
  count: number;
  /** The first MAX_LINES_PER_REASON lines, ascending. */
  lines: number[];
  /** JSON files only: the 0-based array elements of the same rows (one line may hold them all). */
  elements?: number[];
  /** A segment of several files: the file of each line, whose `lines` are then that file's own. */
  files?: string[];
}

export interface ReasonCount extends LineList {
  reason: string;
  /** One sentence, no personal data (e.g. Klaviyo's title for that code). */
  description: string;
}

export interface JobSummary {
  batch: number;
  export: number;
  jobId: string;
  /** queued, processing, complete, cancelled, or another value Klaviyo sent. */
  status: string;
  profiles: number;
  imported: number;
  failed: number;
}

export interface RunSummary {
  version: typeof REPORT_VERSION;
  command: 'validate' | 'push';
  dryRun: boolean;
  /** The segment as named: its path, `<stdin>`, or for several files the folder or the first path and how many more. */
  file: string;
  /** Every file read, in order (one for a single file); absent only in summaries written before it was added. */
  files?: string[];
  format: string;
  /** null for validate without --list; the JSON report keeps every key, so its shape never changes. */
  listId: string | null;
  listName: string | null;
  outcome: RunOutcome;
  rows: {
    read: number;
    valid: number;
    rejected: number;
    duplicates: number;
  };
  rejectedByReason: ReasonCount[];
  duplicates: LineList;
  warnings: ReasonCount[];
  plan: { exports: number; batches: number; maxPerExport: number; maxPerRequest: number };
  /** Which columns were sent where: column names only, never a value. */
  mapping: MappingSummary;
  /** null when nothing was sent (validate, --dry-run, --strict, declined). */
  delivery: DeliverySummary | null;
  /** null without --subscribe: a push without it never changes anyone's consent. */
  subscription: SubscriptionSummary | null;
  /** --mirror / --changed-only: additions, updates, unchanged, removals; null without them. */
  sync: SyncSummary | null;
  /** `totalMs` leaves out `promptMs`, the time a person took to answer the confirmation prompt. */
  timings: { startedAt: string; readMs: number; sendMs: number; totalMs: number; promptMs: number };
}

/** The mapping a run used, as shown before the first write and by `validate`. */
export interface MappingSummary {
  /** The email column. */
  email: string;
  /** The profile fields (`first_name`, `location.city`...) and the column each is read from (a nested JSON key as `address.city`). */
  fields: { target: string; column: string; byName: boolean }[];
  /**
   * The custom properties, each with the column it is read from and the type its values are sent as:
   * CSV columns by the whole column (`text` unless every value agrees), `json` as a JSON file holds them.
   */
  properties: { name: string; column: string; type: 'number' | 'boolean' | 'date' | 'text' | 'json'; byName: boolean }[];
  /** The file's columns sent nowhere, and why. */
  notSent: { column: string; reason: 'consent-option' | 'no-properties' | 'no-header' | 'unnamed' | 'name-taken' }[];
}

export type RunOutcome =
  | 'validated'
  | 'declined'
  | 'nothing-to-send'
  | 'delivered'
  | 'partially-delivered'
  | 'not-delivered'
  | 'submitted'
  | 'interrupted'
  | 'deadline'
  | 'rejected-strict'
  /** Fewer data rows than --min-rows (default 1: an empty file): nothing sent. */
  | 'too-few-rows'
  /** More rows rejected than --max-rejected allows: nothing sent. */
  | 'too-many-rejected'
  /** No data row, and --allow-empty: nothing to send. */
  | 'empty';

export interface DeliverySummary {
  /** Profiles in requests Klaviyo accepted (202): accepted is not imported. */
  sent: number;
  /** Profiles Klaviyo's finished jobs imported. */
  imported: number;
  /** Profiles Klaviyo refused (400 pointers and import-errors), by reason. */
  refusedByKlaviyo: ReasonCount[];
  refused: number;
  /** Of `refused`: profiles Klaviyo's finished jobs failed or did not account for without naming them. */
  refusedWithoutDetail: number;
  /** Import errors that matched no profile sent in their job (by `original_payload`), by job: counted, never dropped. */
  /** A local failure that stopped the delivery after uploads had begun (one sentence), else null. */
  stoppedBy: string | null;
  unattributed: { count: number; jobs: { jobId: string; count: number }[] };
  /** Profiles whose batch failed for good, was cancelled too often, or was not sent (interrupted). */
  notDelivered: LineList;
  /** Why they were not delivered: one sentence each (no personal data), the most frequent first. */
  notDeliveredCauses: { description: string; count: number }[];
  /** Profiles sent whose job was not followed to its end (--no-wait, or interrupted while waiting). */
  unconfirmed: number;
  unconfirmedLines: LineList;
  requests: number;
  retries: number;
  throttled: number;
  resubmittedJobs: number;
  resumedBatches: number;
  jobs: JobSummary[];
  /** The checkpoint was kept: what running the same command again does. null: it was removed, nothing to resume. */
  resume: ResumePlan | null;
}

/** What the next run of the same push does from the checkpoint: confirmed requests are never sent again. */
export interface ResumePlan {
  checkpoint: string;
  requestsConfirmed: number;
  /** Jobs Klaviyo accepted and that were not followed to their end: followed up, not sent again. */
  jobsToFollow: number;
  requestsToSend: number;
  profilesToSend: number;
  /** This run had --restart, which ignores the checkpoint: the command resumes without it. */
  isWithoutRestart: boolean;
}

/** The consent part of a push (`--subscribe`). Row-channel pairs for subscriptions, rows otherwise; never an email. */
export interface SubscriptionSummary {
  channels: ('email' | 'sms')[];
  /** The list's opt-in process as Klaviyo reported it in the preflight. */
  optInProcess: 'double_opt_in' | 'single_opt_in' | null;
  /** Valid rows that consented to at least one channel asked for. */
  consenting: number;
  /** Valid rows that consented to none: added to the list, consent untouched. */
  notConsenting: LineList;
  /** Rows that consented to SMS without a valid phone number: not subscribed to SMS. */
  smsWithoutPhone: LineList;
  /** Subscriptions Klaviyo accepted (202), per channel. */
  subscribed: { email: number; sms: number };
  /** Of those, rows sent as historical_import (a past consent time: no confirmation email). */
  historicalImport: number;
  /** Double opt-in list: email subscriptions that each got a confirmation email; subscribed only once confirmed. */
  confirmationEmails: number;
  /** Left out because Klaviyo reports them unsubscribed or suppressed, by `<channel>_<reason>`. */
  keptOptedOut: ReasonCount[];
  keptOptedOutCount: number;
  /** `--resubscribe`: rows whose consent time is later than their recorded opt-out. */
  resubscribed: LineList;
  refusedByKlaviyo: ReasonCount[];
  refused: number;
  /** Consenting rows not subscribed: their request or lookup failed, the run stopped, or the import did not complete. */
  notSubscribed: LineList;
  /** Set when the subscribe step stopped the run (a missing scope): the message. */
  stoppedBy: string | null;
  requests: { lookups: number; subscribe: number };
  /**
   * Rows an earlier run subscribed with the same consent, as the consent journal records: neither
   * looked up nor sent again (an interrupted run's, or with --changed-only any earlier run's).
   */
  skippedUnchanged: number;
  /**
   * After an interrupted run: the rows whose subscribe request it sent without learning the answer
   * (`uncertain`, profiles in the journal), and what this run did with them: found subscribed in
   * Klaviyo, sent again (no second confirmation email possible), or not sent again (`notResent`: a
   * double opt-in confirmation may be pending). Null when the journal held none.
   */
  interrupted: { uncertain: number; subscribedAlready: number; resent: number; notResent: LineList } | null;
}

export function emptyLineList(): LineList {
  return { count: 0, lines: [] };
}

export function addLine(list: LineList, line: number, element?: number): void {
  list.count += 1;
  if (list.lines.length >= MAX_LINES_PER_REASON) return;
  list.lines.push(line);
  if (element !== undefined) (list.elements ??= []).push(element);
}
