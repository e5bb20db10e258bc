// The `max` metadata validates numbers against each country's exact number ranges; `min` only
// checks lengths and would pass numbers Klaviyo then refuses in the job. Its size does not matter
// for a CLI, and parsing only runs when phone_number is mapped.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export interface NormalizedPhoneNumber {
  /** `+4915112345678`. */
  e164: string;
  /** The text had an extension (`ext. 12`, `x12`), which E.164 and Klaviyo's phone_number cannot hold. */
  hadExtension: boolean;
}

/**
 * The number in E.164, or undefined when it is not a valid phone number, or is written nationally
 * (`0151 12345678`) and no default country says which country it belongs to.
 */
export function normalizePhoneNumber(text: string, defaultCountry: CountryCode | undefined): NormalizedPhoneNumber | undefined {
  const phone = parsePhoneNumberFromString(text, defaultCountry);
  if (phone === undefined || !phone.isValid()) return undefined;
  return { e164: phone.number, hadExtension: phone.ext !== undefined };
}
