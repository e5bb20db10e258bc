import { AuthError, KlaviyoApiError, type ApiErrorObject } from '../../errors.js';
import type { KlaviyoClient, ProfileConsent } from '../../klaviyo/klaviyo-client.js';
import { planAfterRefusal, RefusalBudget } from '../../klaviyo/refusal-policy.js';
import { MAX_EMAILS_PER_FILTER } from '../../klaviyo/email-filter.js';
import { MAX_PROFILES_PER_SUBSCRIBE, subscriptionJobBody, type SubscriptionEntry } from '../../klaviyo/profile-subscription-bulk-create.js';
import type { SubscribeChannel } from '../../mapping/consent-mapping.js';
import { addLine, emptyLineList, type LineList } from '../../report/run-summary.js';
import { decideOptOut, KEPT_REASON_DESCRIPTIONS } from './opt-out-decision.js';
import type { RowLedger } from '../rejects/row-ledger.js';
import type { RowOutcome, RowRef } from '../rejects/row-outcome.js';
import { scrub } from '../../privacy/scrub.js';
import { ConsentJournal, type ConsentKey } from '../../state/consent-journal.js';
import { consentText, type SubscribeCandidate } from '../scan/subscribe-candidate.js';
import { decideFromJournal, settleUncertain, type UncertainSettlement } from './journal-decision.js';

/**
 * The consent part of a push (`--subscribe`): after the import, the rows that consented are looked
 * up (100 emails a request) and those Klaviyo reports as unsubscribed or suppressed are kept out;
 * the rest are subscribed, 1,000 a request. Lookups and subscribe requests are paced by their own
 * limits in the client, so chunks run side by side: the next chunk's lookups overlap this one's
 * subscribe request.
 *
 * Every subscribe request is written to the consent journal before it is sent (intent) and once
 * its answer is known (done), so that a run killed at any point and run again subscribes nobody
 * twice: profiles an interrupted run (or, with `changedOnly`, any earlier run) subscribed with the
 * same consent are neither looked up nor sent; those whose request went unanswered are looked up
 * and, where a double opt-in confirmation may already have gone out, not sent again.
 */

export interface SubscribeOptions {
  readonly client: Pick<KlaviyoClient, 'lookupProfileConsent' | 'createSubscriptionJob'>;
  readonly listId: string;
  readonly channels: readonly SubscribeChannel[];
  readonly allowResubscribe: boolean;
  /** Chunks (1,000 candidates each) in flight at once; the client's limiters pace the requests. */
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  /** Where each consenting row that is not subscribed is recorded: kept opted out, refused, failed, not sent. */
  readonly ledger: Pick<RowLedger, 'record'>;
  readonly onProgress?: (done: number) => void;
  /** Where requests are recorded before and after they are sent; in memory only when absent. */
  readonly journal?: ConsentJournal;
  /** `--changed-only`: profiles any earlier run subscribed with the same consent are skipped, not only an interrupted run's. */
  readonly changedOnly?: boolean;
  /** The list's opt-in process: on a double opt-in list, a request without historical_import emails a confirmation. */
  readonly optInProcess?: 'double_opt_in' | 'single_opt_in' | undefined;
}

export interface SubscribeResult {
  /** Row-channel pairs Klaviyo accepted (202). */
  readonly subscribed: { email: number; sms: number };
  /** Rows of `subscribed` sent as historical_import (a past consent time: no confirmation email). */
  readonly historicalImport: number;
  /** Email subscriptions without a consent time: on a double opt-in list, each gets a confirmation email. */
  readonly emailWithoutConsentTime: number;
  /** `--resubscribe` overrides: consent later than the recorded opt-out. */
  readonly resubscribed: LineList;
  readonly lookups: number;
  readonly subscribeRequests: number;
  /** Rows an earlier run subscribed with the same consent (per the journal): neither looked up nor sent. */
  readonly skippedUnchanged: number;
  /** Rows whose request an interrupted run sent without learning its answer, and how this run settled them. */
  readonly uncertain: UncertainSettlement;
  /** A key without subscriptions:write stopped the step: every row not settled before is recorded as not sent. */
  readonly stoppedBy?: AuthError;
}

interface Entry {
  readonly candidate: SubscribeCandidate;
  readonly channels: { email: boolean; sms: boolean };
  readonly key: ConsentKey;
}

export async function subscribeConsenting(
  candidates: AsyncIterable<SubscribeCandidate> | Iterable<SubscribeCandidate>,
  options: SubscribeOptions,
): Promise<SubscribeResult> {
  const state = {
    subscribed: { email: 0, sms: 0 },
    historicalImport: 0,
    emailWithoutConsentTime: 0,
    resubscribed: emptyLineList(),
    lookups: 0,
    subscribeRequests: 0,
    skippedUnchanged: 0,
    uncertain: { found: 0, subscribedAlready: 0, notResent: 0, resent: 0 },
    done: 0,
  };
  const journal = options.journal ?? ConsentJournal.inMemory(options.listId);
  options = { ...options, journal };
  state.uncertain.found = journal.uncertainCount;
  await journal.startRun();
  const inFlight = new Set<Promise<void>>();
  let fatal: Error | undefined;
  // A chunk's outcomes reach the ledger when it ends; a chunk a fatal error cut short is not sent, as a whole.
  const unsettled: SubscribeCandidate[][] = [];
  const run = (chunk: SubscribeCandidate[]) => {
    const outcomes = new ChunkOutcomes();
    const task = processChunk(chunk, { ...options, ledger: outcomes }, state)
      .then(() => outcomes.flushTo(options.ledger))
      .catch((error: unknown) => {
        fatal ??= error instanceof Error ? error : new Error(String(error));
        unsettled.push(chunk);
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let chunk: SubscribeCandidate[] = [];
  for await (const candidate of candidates) {
    if (fatal !== undefined) {
      if (!(fatal instanceof AuthError)) break;
      markNotSent([candidate], options);
      continue;
    }
    // What the journal says first: a row already subscribed with this consent is neither looked up nor sent,
    // and takes no room in a chunk (a nightly run's few changed rows fill few requests).
    const key = journal.keyOf(candidate.email, consentText(candidate));
    if (decideFromJournal(journal.standing(key), key, options.changedOnly === true) === 'skip') {
      state.skippedUnchanged += 1;
      continue;
    }
    chunk.push(candidate);
    if (chunk.length < MAX_PROFILES_PER_SUBSCRIBE) continue;
    run(chunk);
    chunk = [];
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  }
  if (chunk.length > 0) {
    if (fatal === undefined) run(chunk);
    else unsettled.push(chunk);
  }
  await Promise.all(inFlight);
  if (fatal !== undefined) {
    if (!(fatal instanceof AuthError)) {
      await journal.close();
      throw fatal;
    }
    for (const cut of unsettled) markNotSent(cut, options);
  }
  // A step that went through its candidates (a stop or a missing scope excepted) becomes the journal's snapshot.
  if (fatal === undefined && !options.signal?.aborted) await journal.finish();
  else await journal.close();

  return {
    ...(fatal === undefined ? {} : { stoppedBy: fatal }),
    subscribed: state.subscribed,
    historicalImport: state.historicalImport,
    emailWithoutConsentTime: state.emailWithoutConsentTime,
    resubscribed: state.resubscribed,
    lookups: state.lookups,
    subscribeRequests: state.subscribeRequests,
    skippedUnchanged: state.skippedUnchanged,
    uncertain: state.uncertain,
  };
}

type State = {
  subscribed: { email: number; sms: number };
  historicalImport: number;
  emailWithoutConsentTime: number;
  resubscribed: LineList;
  lookups: number;
  subscribeRequests: number;
  skippedUnchanged: number;
  uncertain: { found: number; subscribedAlready: number; notResent: number; resent: number };
  done: number;
};

async function processChunk(chunk: readonly SubscribeCandidate[], options: SubscribeOptions, state: State): Promise<void> {
  if (options.signal?.aborted) return markNotSent(chunk, options);
  const journal = options.journal!;
  let current: Map<string, ProfileConsent>;
  try {
    current = await lookUp(chunk, options, state);
  } catch (error) {
    if (error instanceof AuthError || !(error instanceof KlaviyoApiError)) throw error;
    // Whom Klaviyo reports as opted out is unknown: nobody of the chunk is sent.
    for (const candidate of chunk) {
      notSubscribed(candidate, 'The consent lookup failed after its retries: not subscribed.', scrub(error.message), options);
    }
    return;
  }
  const entries: Entry[] = [];
  const settled: ConsentKey[] = [];
  const keptUncertain: ConsentKey[] = [];
  for (const candidate of chunk) {
    const key = journal.keyOf(candidate.email, consentText(candidate));
    const profile = current.get(candidate.email.toLowerCase());
    const channels = { email: false, sms: false };
    let isResubscribe = false;
    for (const channel of options.channels) {
      if (!candidate.channels[channel]) continue;
      const decision = decideOptOut(channel, profile, candidate.consentedAtMs, options);
      if (decision.send) {
        channels[channel] = true;
        isResubscribe ||= decision.isResubscribe;
      } else {
        options.ledger.record(rowOf(candidate), {
          kind: 'kept-opted-out',
          channel,
          reason: decision.reason,
          description: KEPT_REASON_DESCRIPTIONS[decision.reason],
        });
      }
    }
    if (isResubscribe) addLine(state.resubscribed, candidate.line, candidate.element);
    const standing = journal.standing(key);
    if (!channels.email && !channels.sms) {
      if (standing.kind === 'uncertain') keptUncertain.push(key);
      continue;
    }
    if (standing.kind === 'uncertain') {
      const mailsNow = options.optInProcess === 'double_opt_in' && channels.email && candidate.consentedAtMs === undefined;
      const settlement = settleUncertain(standing, channels, profile, mailsNow);
      if (settlement !== 'send') {
        settled.push(key);
        if (settlement === 'subscribed-already') state.uncertain.subscribedAlready += 1;
        else {
          state.uncertain.notResent += 1;
          options.ledger.record(rowOf(candidate), {
            kind: 'subscribe-uncertain',
            description:
              'An interrupted run sent its subscribe request without learning the answer; Klaviyo does not show it subscribed (a double opt-in confirmation may be pending), so it was not sent again.',
          });
        }
        continue;
      }
      state.uncertain.resent += 1;
    }
    entries.push({ candidate, channels, key });
  }
  await journal.recordSettled(settled);
  await journal.recordSettled(keptUncertain, true);
  // Klaviyo takes consented_at only in a historical import, and then from every profile of the request.
  const historical = entries.filter((entry) => entry.candidate.consentedAtMs !== undefined);
  const withoutTime = entries.filter((entry) => entry.candidate.consentedAtMs === undefined);
  await Promise.all([send(historical, true, options, state), send(withoutTime, false, options, state)]);
  state.done += chunk.length;
  options.onProgress?.(state.done + state.skippedUnchanged);
}

async function lookUp(chunk: readonly SubscribeCandidate[], options: SubscribeOptions, state: State): Promise<Map<string, ProfileConsent>> {
  const current = new Map<string, ProfileConsent>();
  const emails = [...new Set(chunk.map((candidate) => candidate.email))];
  const lookups: Promise<void>[] = [];
  for (let start = 0; start < emails.length; start += MAX_EMAILS_PER_FILTER) {
    const slice = emails.slice(start, start + MAX_EMAILS_PER_FILTER);
    lookups.push(
      options.client.lookupProfileConsent(slice).then((profiles) => {
        state.lookups += 1;
        for (const profile of profiles) current.set(profile.email, profile);
      }),
    );
  }
  await Promise.all(lookups);
  return current;
}

async function send(entries: readonly Entry[], historicalImport: boolean, options: SubscribeOptions, state: State): Promise<void> {
  await sendRequest(entries, { historicalImport, options, state, refusals: new RefusalBudget(entries.length) });
}

interface SubscribeRequest {
  readonly historicalImport: boolean;
  readonly options: SubscribeOptions;
  readonly state: State;
  /** Shared by the request and its halves (refusal-policy). */
  readonly refusals: RefusalBudget;
}

/** One subscribe request; a 400 strips the profiles it names, or halves the request (planAfterRefusal). */
async function sendRequest(entries: readonly Entry[], request: SubscribeRequest): Promise<void> {
  const { historicalImport, options, state } = request;
  if (entries.length === 0) return;
  if (options.signal?.aborted)
    return markNotSent(
      entries.map((entry) => entry.candidate),
      options,
    );
  const body = subscriptionJobBody({ listId: options.listId, historicalImport, entries: entries.map(toSubscriptionEntry) });
  let result;
  const journal = options.journal!;
  const mail = !historicalImport && options.optInProcess === 'double_opt_in' && entries.some((entry) => entry.channels.email);
  // Durable before the request leaves: a crash from here on leaves it uncertain, never forgotten.
  const intent = await journal.recordIntent(
    entries.map((entry) => entry.key),
    mail,
  );
  try {
    state.subscribeRequests += 1;
    result = await options.client.createSubscriptionJob(body);
  } catch (error) {
    // Klaviyo's answer was an error (nothing applied): done. Without an answer (a lost connection) it stays uncertain.
    if (error instanceof AuthError || (error instanceof KlaviyoApiError && error.status !== undefined && error.status < 500)) {
      await journal.recordDone(intent, false);
    }
    if (error instanceof AuthError || !(error instanceof KlaviyoApiError)) throw error;
    for (const { candidate } of entries) {
      notSubscribed(candidate, 'The subscribe request failed after its retries.', scrub(error.message), options);
    }
    return;
  }
  await journal.recordDone(intent, result.kind === 'accepted');
  if (result.kind === 'accepted') {
    for (const { channels } of entries) {
      if (channels.email) state.subscribed.email += 1;
      if (channels.sms) state.subscribed.sms += 1;
      if (historicalImport) state.historicalImport += 1;
      else if (channels.email) state.emailWithoutConsentTime += 1;
    }
    return;
  }
  const plan = planAfterRefusal(result.errors, entries.length, request.refusals);
  switch (plan.kind) {
    case 'strip':
      for (const [index, errors] of plan.named) {
        const entry = entries[index];
        if (entry !== undefined) refuseRefused(entry.candidate, errors, options);
      }
      return sendRequest(
        entries.filter((_, index) => !plan.named.has(index)),
        request,
      );
    case 'split':
      for (const half of [entries.slice(0, plan.at), entries.slice(plan.at)]) {
        if (request.refusals.isSpent) giveUpUnresolved(half, request.refusals.spent, result.errors, options);
        else await sendRequest(half, request);
      }
      return;
    case 'refuse-alone':
      for (const { candidate } of entries) refuseRefused(candidate, result.errors, options);
      return;
    case 'give-up':
      for (const { candidate } of entries) {
        notSubscribed(candidate, 'Klaviyo refused the whole subscribe request: not subscribed.', describe(result.errors), options);
      }
      return;
    case 'budget-spent':
      return giveUpUnresolved(entries, plan.refusals, result.errors, options);
  }
}

/** Rows left when the budget of refusals naming nobody is spent (refusal-policy): not subscribed, with the reason. */
function giveUpUnresolved(entries: readonly Entry[], refusals: number, errors: readonly ApiErrorObject[], options: SubscribeOptions): void {
  const description = `Klaviyo refused the subscribe request holding this profile without naming which profile it refused, ${refusals} times: given up, not subscribed.`;
  for (const { candidate } of entries) notSubscribed(candidate, description, describe(errors), options);
}

function toSubscriptionEntry({ candidate, channels }: Entry): SubscriptionEntry {
  return {
    email: candidate.email,
    channels,
    ...(channels.sms && candidate.phoneNumber !== undefined ? { phoneNumber: candidate.phoneNumber } : {}),
    ...(candidate.consentedAtMs === undefined ? {} : { consentedAt: new Date(candidate.consentedAtMs).toISOString() }),
  };
}

function describe(errors: readonly ApiErrorObject[]): string {
  const text = errors
    .map((error) => error.detail ?? error.title ?? error.code)
    .filter(Boolean)
    .join('; ');
  return text === '' ? 'Klaviyo refused the subscription without a reason.' : text;
}

/** Tallied by Klaviyo's error code, described by its (scrubbed) words: the summary shows why. */
function refuseRefused(candidate: SubscribeCandidate, errors: readonly ApiErrorObject[], options: SubscribeOptions): void {
  const detail = describe(errors);
  options.ledger.record(rowOf(candidate), {
    kind: 'subscribe-refused',
    code: `subscribe_${errors[0]?.code ?? 'refused'}`,
    description: scrub(detail),
    detail,
    email: candidate.email,
  });
}

function notSubscribed(candidate: SubscribeCandidate, description: string, detail: string, options: SubscribeOptions): void {
  options.ledger.record(rowOf(candidate), { kind: 'not-subscribed', cause: 'failed', description, detail, email: candidate.email });
}

/** Rows the run stopped before sending: not subscribed, and not a row to fix (no rejects row). */
export function markNotSent(candidates: Iterable<SubscribeCandidate>, options: Pick<SubscribeOptions, 'ledger'>): void {
  for (const candidate of candidates) {
    options.ledger.record(rowOf(candidate), {
      kind: 'not-subscribed',
      cause: 'not-sent',
      description: 'Not subscribed: the import did not complete or the run stopped first.',
      detail: '',
      email: candidate.email,
    });
  }
}

/** One chunk's outcomes, held until the chunk ends. */
class ChunkOutcomes {
  readonly #outcomes: [RowRef, RowOutcome][] = [];

  record(row: RowRef, outcome: RowOutcome): void {
    this.#outcomes.push([row, outcome]);
  }

  flushTo(ledger: Pick<RowLedger, 'record'>): void {
    for (const [row, outcome] of this.#outcomes) ledger.record(row, outcome);
  }
}

function rowOf(candidate: SubscribeCandidate): { line: number; element?: number } {
  return candidate.element === undefined ? { line: candidate.line } : { line: candidate.line, element: candidate.element };
}
