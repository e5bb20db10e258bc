/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): whole seconds, or an HTTP date. Returns the
 * delay in ms, never negative, or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  // Klaviyo sends whole seconds; a fraction (some proxies and fakes send one) is honoured too.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Only a date with letters in it: Date.parse would otherwise read "1.5" or "-3" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}
