/** A row that consented to at least one channel asked for. */
export interface SubscribeCandidate {
  readonly line: number;
  readonly element?: number;
  /** Trimmed, as sent in the import. */
  readonly email: string;
  /** E.164; present when the row is to be subscribed to SMS. */
  readonly phoneNumber?: string;
  readonly channels: { readonly email: boolean; readonly sms: boolean };
  readonly consentedAtMs?: number;
}

/**
 * What a row consented to, as one string: the channels, the consent time and the phone number an
 * SMS subscription goes to. Compared across runs (hashed) by --changed-only and the consent journal.
 */
export function consentText(consent: {
  readonly channels: { readonly email: boolean; readonly sms: boolean };
  readonly consentedAtMs?: number | undefined;
  readonly phoneNumber?: string | undefined;
}): string {
  const channels = `${consent.channels.email ? 'e' : ''}${consent.channels.sms ? 's' : ''}`;
  return `${channels}|${consent.consentedAtMs ?? ''}|${consent.channels.sms ? (consent.phoneNumber ?? '') : ''}`;
}
