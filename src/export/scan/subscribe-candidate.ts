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
