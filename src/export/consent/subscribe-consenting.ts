import { type ApiErrorObject, AuthError, KlaviyoApiError } from '../../errors.js';
import { profileIndexFromPointer, type KlaviyoClient, type ProfileConsent } from '../../klaviyo/klaviyo-client.js';
import { MAX_EMAILS_PER_FILTER } from '../../klaviyo/email-filter.js';
import { MAX_PROFILES_PER_SUBSCRIBE, subscriptionJobBody, type SubscriptionEntry } from '../../klaviyo/profile-subscription-bulk-create.js';
import type { SubscribeChannel } from '../../mapping/consent-mapping.js';
import { addLine, emptyLineList, type LineList } from '../../report/run-summary.js';
import { decideOptOut, KEPT_REASON_DESCRIPTIONS } from './opt-out-decision.js';
import type { RowLedger } from '../rejects/row-ledger.js';
import type { RowOutcome, RowRef } from '../rejects/row-outcome.js';
import { scrub } from '../../privacy/scrub.js';
import type { SubscribeCandidate } from '../scan/subscribe-candidate.js';

/**
 * The consent part of a push (`--subscribe`): after the import, the rows that consented are looked
 * up (100 emails a request) and those Klaviyo reports as unsubscribed or suppressed are kept out;
 * the rest are subscribed, 1,000 a request. Lookups and subscribe requests are paced by their own
 * limits in the client, so chunks run side by side: the next chunk's lookups overlap this one's
 * subscribe request.
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
  /** A key without subscriptions:write stopped the step: every row not settled before is recorded as not sent. */
  readonly stoppedBy?: AuthError;
}

interface Entry {
  readonly candidate: SubscribeCandidate;
  readonly channels: { email: boolean; sms: boolean };
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
    done: 0,
  };
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
    if (!(fatal instanceof AuthError)) throw fatal;
    for (const cut of unsettled) markNotSent(cut, options);
  }

  return {
    ...(fatal === undefined ? {} : { stoppedBy: fatal }),
    subscribed: state.subscribed,
    historicalImport: state.historicalImport,
    emailWithoutConsentTime: state.emailWithoutConsentTime,
    resubscribed: state.resubscribed,
    lookups: state.lookups,
    subscribeRequests: state.subscribeRequests,
  };
}

type State = {
  subscribed: { email: number; sms: number };
  historicalImport: number;
  emailWithoutConsentTime: number;
  resubscribed: LineList;
  lookups: number;
  subscribeRequests: number;
  done: number;
};

async function processChunk(chunk: readonly SubscribeCandidate[], options: SubscribeOptions, state: State): Promise<void> {
  if (options.signal?.aborted) return markNotSent(chunk, options);
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
  for (const candidate of chunk) {
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
    if (channels.email || channels.sms) entries.push({ candidate, channels });
  }
  // Klaviyo takes consented_at only in a historical import, and then from every profile of the request.
  const historical = entries.filter((entry) => entry.candidate.consentedAtMs !== undefined);
  const withoutTime = entries.filter((entry) => entry.candidate.consentedAtMs === undefined);
  await Promise.all([send(historical, true, options, state), send(withoutTime, false, options, state)]);
  state.done += chunk.length;
  options.onProgress?.(state.done);
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
  if (entries.length === 0) return;
  if (options.signal?.aborted)
    return markNotSent(
      entries.map((entry) => entry.candidate),
      options,
    );
  const body = subscriptionJobBody({ listId: options.listId, historicalImport, entries: entries.map(toSubscriptionEntry) });
  let result;
  try {
    state.subscribeRequests += 1;
    result = await options.client.createSubscriptionJob(body);
  } catch (error) {
    if (error instanceof AuthError || !(error instanceof KlaviyoApiError)) throw error;
    for (const { candidate } of entries) {
      notSubscribed(candidate, 'The subscribe request failed after its retries.', scrub(error.message), options);
    }
    return;
  }
  if (result.kind === 'accepted') {
    for (const { channels } of entries) {
      if (channels.email) state.subscribed.email += 1;
      if (channels.sms) state.subscribed.sms += 1;
      if (historicalImport) state.historicalImport += 1;
      else if (channels.email) state.emailWithoutConsentTime += 1;
    }
    return;
  }
  const named = namedProfiles(result.errors, entries.length);
  if (named.size === 0) {
    // Nothing names a profile: halve until the request that Klaviyo refuses holds one profile.
    if (entries.length === 1) {
      const [only] = entries;
      if (only !== undefined) refuseRefused(only.candidate, result.errors, options);
      return;
    }
    const middle = Math.ceil(entries.length / 2);
    await send(entries.slice(0, middle), historicalImport, options, state);
    await send(entries.slice(middle), historicalImport, options, state);
    return;
  }
  for (const [index, errors] of named) {
    const entry = entries[index];
    if (entry !== undefined) refuseRefused(entry.candidate, errors, options);
  }
  await send(
    entries.filter((_, index) => !named.has(index)),
    historicalImport,
    options,
    state,
  );
}

function toSubscriptionEntry({ candidate, channels }: Entry): SubscriptionEntry {
  return {
    email: candidate.email,
    channels,
    ...(channels.sms && candidate.phoneNumber !== undefined ? { phoneNumber: candidate.phoneNumber } : {}),
    ...(candidate.consentedAtMs === undefined ? {} : { consentedAt: new Date(candidate.consentedAtMs).toISOString() }),
  };
}

function namedProfiles(errors: readonly ApiErrorObject[], count: number): Map<number, ApiErrorObject[]> {
  const named = new Map<number, ApiErrorObject[]>();
  for (const error of errors) {
    const index = profileIndexFromPointer(error.pointer);
    if (index === undefined || index >= count) continue;
    named.set(index, [...(named.get(index) ?? []), error]);
  }
  return named;
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
