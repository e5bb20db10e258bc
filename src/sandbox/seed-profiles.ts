import { InternalError } from '../errors.js';
import { klaviyoTime } from './json-api.js';
import type { ChannelRecord, ProfileConsentRecord } from './profile-consent.js';
import type { SandboxState } from './route-context.js';
import type { SandboxProfileConsent, SandboxSeedProfile } from './sandbox-types.js';

/** Puts the tests' profiles in the account before the first request: e.g. someone who already unsubscribed. */
export function seedProfiles(seeds: readonly SandboxSeedProfile[], state: SandboxState, now: number): void {
  for (const seed of seeds) {
    const attributes: Record<string, unknown> = { email: seed.email };
    if (seed.phoneNumber !== undefined) attributes.phone_number = seed.phoneNumber;
    const profile = state.store.upsertProfile(attributes, now);
    if (profile === undefined) throw new InternalError('A seeded sandbox profile needs an email.');
    const record = state.consent.recordOf(profile);
    seedChannel(record.email, seed.emailConsent, seed.emailConsentAt);
    seedChannel(record.sms, seed.smsConsent, seed.smsConsentAt);
    record.email.suppressions = (seed.suppressions ?? []).map(({ reason, at, listId }) =>
      listId === undefined ? { reason, at: timeOf(at) } : { reason, at: timeOf(at), listId },
    );
    for (const listId of seed.listIds ?? []) {
      const list = state.store.list(listId);
      if (list === undefined) throw new InternalError(`A seeded sandbox profile names list ${listId}, which the sandbox does not have.`);
      state.store.addMember(list, profile, now);
    }
  }
}

function seedChannel(channel: ChannelRecord, consent: ChannelRecord['consent'] | undefined, at: string | undefined): void {
  if (consent === undefined) return;
  channel.consent = consent;
  channel.consentAt = at === undefined ? undefined : timeOf(at);
  channel.lastUpdated = channel.consentAt;
}

function timeOf(iso: string): number {
  const epochMs = Date.parse(iso);
  if (Number.isNaN(epochMs)) throw new InternalError(`A seeded sandbox time is not ISO 8601: ${iso}.`);
  return epochMs;
}

function optionalTime(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : klaviyoTime(epochMs);
}

export function toSandboxProfileConsent(record: ProfileConsentRecord | undefined): SandboxProfileConsent {
  return {
    email: {
      consent: record?.email.consent ?? 'NEVER_SUBSCRIBED',
      consentAt: optionalTime(record?.email.consentAt),
      suppressions: (record?.email.suppressions ?? []).map(({ reason, at, listId }) =>
        listId === undefined ? { reason, at: klaviyoTime(at) } : { reason, at: klaviyoTime(at), listId },
      ),
    },
    sms: { consent: record?.sms.consent ?? 'NEVER_SUBSCRIBED', consentAt: optionalTime(record?.sms.consentAt) },
    pendingConfirmationListIds: [...(record?.pendingConfirmationListIds ?? [])],
    counters: {
      subscriptions: { ...(record?.counters.subscriptions ?? { email: 0, sms: 0 }) },
      confirmationEmails: record?.counters.confirmationEmails ?? 0,
    },
  };
}
