/**
 * JSON.parse that keeps integers beyond Number.MAX_SAFE_INTEGER exact: such a literal becomes a
 * string of its decimal digits (`12345678901234567890` would otherwise read as 12345678901234567000,
 * a different customer id). Decimals and exponents stay numbers: they are approximate anyway.
 */
export function parseJsonExact(text: string): unknown {
  // An unsafe integer has at least 16 digits; most texts have no such run and skip the rewrite.
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  const rewritten = quoteUnsafeIntegers(text);
  if (rewritten === text) return JSON.parse(text);
  try {
    return JSON.parse(rewritten);
  } catch (error) {
    // Parse the original again so that the error's position refers to the text as written.
    JSON.parse(text);
    throw error;
  }
}

const LONG_DIGIT_RUN = /\d{16}/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `text` with every integer literal outside strings that a double cannot hold put in quotes. */
export function quoteUnsafeIntegers(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = skipString(text, index);
      continue;
    }
    if (code !== MINUS && !isDigit(code)) {
      index++;
      continue;
    }
    const start = index;
    if (code === MINUS) index++;
    while (isDigit(text.charCodeAt(index))) index++;
    const next = text.charCodeAt(index);
    const isInteger = next !== DOT && next !== LOWER_E && next !== UPPER_E;
    if (isInteger && isUnsafeInteger(text.slice(start, index))) {
      result += `${text.slice(copiedUpTo, start)}"${text.slice(start, index)}"`;
      copiedUpTo = index;
    }
    // A fraction or exponent is skipped whole, so that its digits are not read as an integer.
    while (index < text.length && isNumberPart(text.charCodeAt(index))) index++;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Where the string that opens at `start` ends (after its closing quote), or the end of `text`. */
function skipString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === BACKSLASH) index += 2;
    else if (code === QUOTE) return index + 1;
    else index++;
  }
  return text.length;
}

/** Leading zeros are not JSON: such a literal is left for JSON.parse to refuse. */
function isUnsafeInteger(literal: string): boolean {
  const digits = literal.startsWith('-') ? literal.slice(1) : literal;
  if (digits.length < 16 || digits.startsWith('0')) return false;
  const value = BigInt(literal);
  return value > MAX_SAFE || value < -MAX_SAFE;
}

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

function isNumberPart(code: number): boolean {
  return isDigit(code) || code === DOT || code === LOWER_E || code === UPPER_E || code === MINUS || code === PLUS;
}
