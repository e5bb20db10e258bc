import { inspect } from 'node:util';

const REDACTED = '***';

/**
 * Holds the API key so that it cannot leak by accident: printing, logging, JSON-serialising or
 * util.inspect-ing a Secret shows `***`. Only `reveal()` returns the key, at the HTTP boundary.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Replaces every occurrence of the secret in a text (an error message from a library, say). */
export function redactSecret(text: string, secret: Secret | undefined): string {
  const value = secret?.reveal();
  if (!value) return text;
  return text.split(value).join(REDACTED);
}
