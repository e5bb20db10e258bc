// libphonenumber-js builds a RegExp from its metadata's pattern text on every match (a few per
// number), which makes a number cost ~12-25 µs. For the common case of a number already written
// as `+` and digits, this module runs the same decisions as libphonenumber-js's
// parsePhoneNumberFromString(...).isValid() (libphonenumber-js 1.13.x: es6/parse.js,
// helpers/extractCountryCallingCode.js, helpers/extractNationalNumber.js,
// helpers/getCountryByNationalNumber.js, isValid.js, helpers/getNumberType.js) on the same `max`
// metadata, read through the library's own Metadata accessors, with each pattern compiled once.
// phone-number.test.ts compares the two on a large generated corpus; any other shape of input
// goes to libphonenumber-js itself.
import * as libphonenumber from 'libphonenumber-js/core';
import metadataJson from 'libphonenumber-js/max/metadata';

/** The part of libphonenumber-js's Metadata class (exported at run time, not typed) read here. */
interface LibMetadata {
  selectNumberingPlan(countryOrCallingCode: string): LibMetadata;
  hasCallingCode(callingCode: string): boolean | undefined;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  numberingPlan: {
    nationalPrefixForParsing(): string | undefined;
    nationalPrefixTransformRule(): string | undefined;
    nationalNumberPattern(): string;
    possibleLengths(): number[] | undefined;
    leadingDigits(): string | undefined;
    hasTypes(): boolean;
    type(type: string): { pattern(): string | undefined; possibleLengths(): number[] | undefined } | undefined;
  };
}
type LibMetadataConstructor = new (metadata: unknown) => LibMetadata;

/** helpers/getNumberType.js: FIXED_LINE first, then these, in this order. */
const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];
/** constants.js */
const MIN_LENGTH_FOR_NSN = 2;
const MAX_LENGTH_FOR_NSN = 17;
const MAX_LENGTH_COUNTRY_CODE = 3;

/**
 * What this path handles: `+`, then 4 to 17 ASCII digits, which spaces, dashes, dots and
 * parentheses may separate (`+1 (617) 555-1234`). The library reads those as the same digits:
 * they are phone-number punctuation, and none of them can start an extension. Anything else
 * (letters, `#`, `/`, other characters) goes to the library.
 */
const INTERNATIONAL_SHAPE = /^\+[\d ().-]+$/;
const SEPARATORS = /[ ().-]/g;
const DIGITS = /^\d{4,17}$/;

interface NumberType {
  readonly pattern: RegExp;
  readonly possibleLengths: readonly number[] | undefined;
}

/** One numbering plan (a country's, or a non-geographic calling code's), its patterns compiled. */
interface CompiledPlan {
  readonly nationalNumberPattern: RegExp;
  readonly possibleLengths: readonly number[] | undefined;
  readonly leadingDigits: RegExp | undefined;
  readonly hasTypes: boolean;
  readonly types: readonly NumberType[];
  readonly nationalPrefixForParsing: RegExp | undefined;
  readonly nationalPrefixTransformRule: string | undefined;
}

interface CallingCodePlans {
  readonly callingCode: string;
  /** The plan libphonenumber selects for the calling code alone (its main country's). */
  readonly plan: CompiledPlan;
  /** The countries that share the calling code, in the metadata's order; undefined for non-geographic codes. */
  readonly countries: readonly string[] | undefined;
}

export class InternationalPhoneNumbers {
  private readonly metadata: LibMetadata;
  private readonly byCallingCode = new Map<string, CallingCodePlans | null>();
  private readonly byCountry = new Map<string, CompiledPlan>();

  constructor() {
    const { Metadata } = libphonenumber as unknown as { Metadata: LibMetadataConstructor };
    this.metadata = new Metadata(metadataJson);
  }

  /**
   * `text` in E.164 when it is a valid number, null when it is not, or undefined when `text` is not
   * `+` and digits (and separators) only (the caller then asks libphonenumber-js).
   */
  normalize(text: string): string | null | undefined {
    if (!INTERNATIONAL_SHAPE.test(text)) return undefined;
    const digits = text.slice(1).replace(SEPARATORS, '');
    if (!DIGITS.test(digits)) return undefined;
    // helpers/extractCountryCallingCode.js
    if (digits[0] === '0') return null;
    let callingCode: CallingCodePlans | undefined;
    let length = 1;
    for (; length <= MAX_LENGTH_COUNTRY_CODE && length <= digits.length; length++) {
      callingCode = this.callingCodePlans(digits.slice(0, length));
      if (callingCode !== undefined) break;
    }
    if (callingCode === undefined) return null;
    const rest = digits.slice(length);
    if (rest === '') return null;
    // parse.js: parsePhoneNumber, then the length checks
    const nationalNumber = this.extractNationalNumber(rest, callingCode);
    const country = this.countryOf(callingCode, nationalNumber);
    if (nationalNumber.length < MIN_LENGTH_FOR_NSN || nationalNumber.length > MAX_LENGTH_FOR_NSN) return null;
    // isValid.js
    const plan = country === undefined ? callingCode.plan : this.countryPlan(country);
    const isValid = plan.hasTypes ? hasNumberType(nationalNumber, plan) : plan.nationalNumberPattern.test(nationalNumber);
    return isValid ? `+${callingCode.callingCode}${nationalNumber}` : null;
  }

  /** helpers/extractNationalNumber.js, with the calling code's plan selected and no country given. */
  private extractNationalNumber(number: string, callingCode: CallingCodePlans): string {
    const { plan } = callingCode;
    const nationalNumber = extractNationalPrefix(number, plan);
    if (nationalNumber === number) return number;
    // shouldHaveExtractedNationalPrefix
    if (plan.nationalNumberPattern.test(number) && !plan.nationalNumberPattern.test(nationalNumber)) return number;
    if (plan.possibleLengths !== undefined) {
      const country = this.countryOf(callingCode, nationalNumber);
      const lengthPlan = country === undefined ? plan : this.countryPlan(country);
      if (!isPossibleIncompleteLength(nationalNumber.length, lengthPlan.possibleLengths)) return number;
    }
    return nationalNumber;
  }

  /** helpers/getCountryByCallingCode.js and getCountryByNationalNumber.js. */
  private countryOf(callingCode: CallingCodePlans, nationalNumber: string): string | undefined {
    const { countries } = callingCode;
    if (countries === undefined) return undefined;
    if (countries.length === 1) return countries[0];
    for (const country of countries) {
      const plan = this.countryPlan(country);
      if (plan.leadingDigits !== undefined) {
        if (nationalNumber !== '' && nationalNumber.search(plan.leadingDigits) === 0) return country;
      } else if (hasNumberType(nationalNumber, plan)) {
        return country;
      }
    }
    return undefined;
  }

  private callingCodePlans(callingCode: string): CallingCodePlans | undefined {
    let plans = this.byCallingCode.get(callingCode);
    if (plans === undefined) {
      plans =
        this.metadata.hasCallingCode(callingCode) === true
          ? {
              callingCode,
              plan: compilePlan(this.metadata.selectNumberingPlan(callingCode)),
              countries: this.metadata.getCountryCodesForCallingCode(callingCode),
            }
          : null;
      this.byCallingCode.set(callingCode, plans);
    }
    return plans ?? undefined;
  }

  private countryPlan(country: string): CompiledPlan {
    let plan = this.byCountry.get(country);
    if (plan === undefined) {
      plan = compilePlan(this.metadata.selectNumberingPlan(country));
      this.byCountry.set(country, plan);
    }
    return plan;
  }
}

function compilePlan(metadata: LibMetadata): CompiledPlan {
  const plan = metadata.numberingPlan;
  const types: NumberType[] = [];
  if (plan.hasTypes()) {
    for (const name of NUMBER_TYPES) {
      const type = plan.type(name);
      const pattern = type?.pattern();
      // helpers/getNumberType.js isNumberTypeEqualTo: a type without a pattern never matches.
      if (type !== undefined && pattern !== undefined && pattern !== '') {
        types.push({ pattern: entirely(pattern), possibleLengths: type.possibleLengths() });
      }
    }
  }
  const nationalPrefixForParsing = plan.nationalPrefixForParsing();
  const leadingDigits = plan.leadingDigits();
  return {
    nationalNumberPattern: entirely(plan.nationalNumberPattern()),
    possibleLengths: plan.possibleLengths(),
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
    hasTypes: plan.hasTypes(),
    types,
    nationalPrefixForParsing: nationalPrefixForParsing ? new RegExp(`^(?:${nationalPrefixForParsing})`) : undefined,
    nationalPrefixTransformRule: plan.nationalPrefixTransformRule(),
  };
}

/** helpers/matchesEntirely.js */
function entirely(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** helpers/getNumberType.js: the national number pattern and some type's pattern match. */
function hasNumberType(nationalNumber: string, plan: CompiledPlan): boolean {
  if (!plan.nationalNumberPattern.test(nationalNumber)) return false;
  for (const type of plan.types) {
    if (type.possibleLengths !== undefined && !type.possibleLengths.includes(nationalNumber.length)) continue;
    if (type.pattern.test(nationalNumber)) return true;
  }
  return false;
}

/** helpers/extractNationalNumberFromPossiblyIncompleteNumber.js: the number without its national prefix. */
function extractNationalPrefix(number: string, plan: CompiledPlan): string {
  const prefix = plan.nationalPrefixForParsing;
  if (prefix === undefined) return number;
  const match = prefix.exec(number);
  if (match === null) return number;
  const capturedGroups = match.length - 1;
  const hasCapturedGroups = capturedGroups > 0 && Boolean(match[capturedGroups]);
  if (plan.nationalPrefixTransformRule && hasCapturedGroups) return number.replace(prefix, plan.nationalPrefixTransformRule);
  return number.slice(match[0].length);
}

/** helpers/checkNumberLength.js, as extractNationalNumber.js reads it: TOO_SHORT and INVALID_LENGTH fail. */
function isPossibleIncompleteLength(length: number, possibleLengths: readonly number[] | undefined): boolean {
  if (possibleLengths === undefined) return true;
  const minimum = possibleLengths[0] ?? 0;
  if (minimum === length) return true;
  if (minimum > length) return false;
  if ((possibleLengths[possibleLengths.length - 1] ?? 0) < length) return true;
  return possibleLengths.indexOf(length, 1) >= 0;
}
