import { AuthError, KlaviyoApiError } from '../../errors.js';
import { profileIndexFromPointer, type ApiErrorObject, type KlaviyoClient, type ProfileConsent } from '../../klaviyo/klaviyo-client.js';
import { MAX_EMAILS_PER_LOOKUP } from '../../klaviyo/profile-consent-lookup.js';
import { MAX_PROFILES_PER_SUBSCRIBE, subscriptionJobBody, type SubscriptionEntry } from '../../klaviyo/profile-subscription-bulk-create.js';
import type { SubscribeChannel } from '../../mapping/consent-mapping.js';
import { addLine, emptyLineList, type LineList, type ReasonCount } from '../../report/run-summary.js';
import { decideOptOut, KEPT_REASON_DESCRIPTIONS } from './opt-out-decision.js';
import { ReasonTally } from '../rejects/reason-tally.js';
import { scrub } from '../../privacy/scrub.js';
import type { SubscribeCandidate } from '../scan/subscribe-candidate.js';

/**
 * The consent part of a push (`--subscribe`): after the import, the rows that consented are looked
 * up (100 emails a request) and those Klaviyo reports as unsubscribed or suppressed are kept out;
 * the rest are subscribed, 1,000 a request. Lookups and subscribe requests are paced by their own
 * limits in the client, so chunks run side by side: the next chunk's lookups overlap this one's
 * subscribe request.
 */

/** A row Klaviyo refused to subscribe, for the rejects file (detail may name the value). */
export interface RefusedSubscription {
  readonly line: number;
  readonly element?: number;
  readonly reason: 'subscribe_refused' | 'subscribe_failed';
  readonly description: string;
  readonly detail: string;
  readonly email: string;
}

export interface SubscribeOptions {
  readonly client: Pick<KlaviyoClient, 'lookupProfileConsent' | 'createSubscriptionJob'>;
  readonly listId: string;
  readonly channels: readonly SubscribeChannel[];
  readonly allowResubscribe: boolean;
  /** Chunks (1,000 candidates each) in flight at once; the client's limiters pace the requests. */
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onRefused?: (refused: RefusedSubscription) => void;
  readonly onProgress?: (done: number) => void;
}

export interface SubscribeResult {
  /** Row-channel pairs Klaviyo accepted (202). */
  readonly subscribed: { email: number; sms: number };
  /** Rows of `subscribed` sent as historical_import (a past consent time: no confirmation email). */
  readonly historicalImport: number;
  /** Email subscriptions without a consent time: on a double opt-in list, each gets a confirmation email. */
  readonly emailWithoutConsentTime: number;
  /** By `<channel>_<reason>`, with lines: never the email. */
  readonly keptOptedOut: ReasonCount[];
  readonly keptOptedOutCount: number;
  /** `--resubscribe` overrides: consent later than the recorded opt-out. */
  readonly resubscribed: LineList;
  readonly refusedByKlaviyo: ReasonCount[];
  readonly refused: number;
  /** Rows whose subscribe request failed after retries, or were not sent because the run stopped. */
  readonly notSubscribed: LineList;
  readonly lookups: number;
  readonly subscribeRequests: number;
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
    kept: new ReasonTally(),
    resubscribed: emptyLineList(),
    refused: new ReasonTally(),
    notSubscribed: emptyLineList(),
    lookups: 0,
    subscribeRequests: 0,
    done: 0,
  };
  const inFlight = new Set<Promise<void>>();
  let fatal: Error | undefined;
  const run = (chunk: SubscribeCandidate[]) => {
    const task = processChunk(chunk, options, state)
      .catch((error: unknown) => {
        fatal ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let chunk: SubscribeCandidate[] = [];
  for await (const candidate of candidates) {
    if (fatal !== undefined) break;
    chunk.push(candidate);
    if (chunk.length < MAX_PROFILES_PER_SUBSCRIBE) continue;
    run(chunk);
    chunk = [];
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  }
  if (chunk.length > 0 && fatal === undefined) run(chunk);
  await Promise.all(inFlight);
  if (fatal !== undefined) throw fatal;

  return {
    subscribed: state.subscribed,
    historicalImport: state.historicalImport,
    emailWithoutConsentTime: state.emailWithoutConsentTime,
    keptOptedOut: state.kept.toList(),
    keptOptedOutCount: state.kept.total,
    resubscribed: state.resubscribed,
    refusedByKlaviyo: state.refused.toList(),
    refused: state.refused.total,
    notSubscribed: state.notSubscribed,
    lookups: state.lookups,
    subscribeRequests: state.subscribeRequests,
  };
}

type State = {
  subscribed: { email: number; sms: number };
  historicalImport: number;
  emailWithoutConsentTime: number;
  kept: ReasonTally;
  resubscribed: LineList;
  refused: ReasonTally;
  notSubscribed: LineList;
  lookups: number;
  subscribeRequests: number;
  done: number;
};

async function processChunk(chunk: readonly SubscribeCandidate[], options: SubscribeOptions, state: State): Promise<void> {
  if (options.signal?.aborted) return markNotSent(chunk, state);
  let current: Map<string, ProfileConsent>;
  try {
    current = await lookUp(chunk, options, state);
  } catch (error) {
    if (error instanceof AuthError || !(error instanceof KlaviyoApiError)) throw error;
    // Whom Klaviyo reports as opted out is unknown: nobody of the chunk is sent.
    for (const candidate of chunk) {
      addLine(state.notSubscribed, candidate.line, candidate.element);
      refuse(candidate, 'subscribe_failed', 'The consent lookup failed after its retries: not subscribed.', scrub(error.message), options);
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
        state.kept.add(`${channel}_${decision.reason}`, KEPT_REASON_DESCRIPTIONS[decision.reason], candidate.line, candidate.element);
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
  for (let start = 0; start < emails.length; start += MAX_EMAILS_PER_LOOKUP) {
    const slice = emails.slice(start, start + MAX_EMAILS_PER_LOOKUP);
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
      state,
    );
  const body = subscriptionJobBody({ listId: options.listId, historicalImport, entries: entries.map(toSubscriptionEntry) });
  let result;
  try {
    state.subscribeRequests += 1;
    result = await options.client.createSubscriptionJob(body);
  } catch (error) {
    if (error instanceof AuthError || !(error instanceof KlaviyoApiError)) throw error;
    for (const { candidate } of entries) {
      addLine(state.notSubscribed, candidate.line, candidate.element);
      refuse(candidate, 'subscribe_failed', 'The subscribe request failed after its retries.', scrub(error.message), options);
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
      if (only !== undefined) refuseRefused(only.candidate, result.errors, options, state);
      return;
    }
    const middle = Math.ceil(entries.length / 2);
    await send(entries.slice(0, middle), historicalImport, options, state);
    await send(entries.slice(middle), historicalImport, options, state);
    return;
  }
  for (const [index, errors] of named) {
    const entry = entries[index];
    if (entry !== undefined) refuseRefused(entry.candidate, errors, options, state);
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
function refuseRefused(candidate: SubscribeCandidate, errors: readonly ApiErrorObject[], options: SubscribeOptions, state: State): void {
  const detail = describe(errors);
  const description = scrub(detail);
  state.refused.add(`subscribe_${errors[0]?.code ?? 'refused'}`, description, candidate.line, candidate.element);
  refuse(candidate, 'subscribe_refused', description, detail, options);
}

function refuse(
  candidate: SubscribeCandidate,
  reason: RefusedSubscription['reason'],
  description: string,
  detail: string,
  options: SubscribeOptions,
): void {
  options.onRefused?.({
    line: candidate.line,
    ...(candidate.element === undefined ? {} : { element: candidate.element }),
    reason,
    description,
    detail,
    email: candidate.email,
  });
}

function markNotSent(candidates: readonly SubscribeCandidate[], state: State): void {
  for (const candidate of candidates) addLine(state.notSubscribed, candidate.line, candidate.element);
}
