import { InputFileError } from '../errors.js';
import { describeJsonSyntaxError, MAX_JSON_RECORD_BYTES } from './json-values.js';

const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const EXPECTED_ROOT = 'expected a JSON array of objects, {"profiles": [...]} or {"data": [...]}';
/** The keys of a top-level object whose array holds the profiles, when no --json-path names one. */
const WRAPPER_KEYS: ReadonlySet<string> = new Set(['profiles', 'data']);
const USE_NDJSON = 'use --format ndjson or rename it .ndjson';

type State =
  | 'root'
  | 'arrayFirst'
  | 'arrayElement'
  | 'arrayNext'
  | 'wrapperKey'
  | 'wrapperFirstKey'
  | 'wrapperColon'
  | 'wrapperValue'
  | 'wrapperNext'
  | 'after';

/** The bytes of one top-level array element, and the line its first byte stands on. */
export interface ScannedElement {
  readonly bytes: Buffer;
  readonly line: number;
}

/**
 * Finds the extent of each element of the top-level array (`[...]` or `{"profiles": [...]}`)
 * in a byte stream fed chunk by chunk, without parsing the elements: it tracks strings, escapes
 * and bracket depth across chunk boundaries so that each element can be handed to JSON.parse alone.
 * Works on bytes: every structural character is ASCII, and UTF-8 never reuses ASCII byte values.
 */
export class JsonArrayScanner {
  private state: State = 'root';
  private line = 1;
  private bytesScanned = 0;
  private hasArray = false;
  private inWrapper = false;
  /** Objects entered along the way to the array (1 inside the top-level object). */
  private depth = 0;
  /** Value being scanned (an element, a wrapper key, or a wrapper value that is skipped). */
  private value: ValueScanner | undefined;
  private valueLine = 1;
  private valueParts: Buffer[] = [];
  private valueBytes = 0;
  private wrapperKey = '';

  /**
   * `arrayPath`: the keys from the top-level object down to the array of profiles (`--json-path
   * response.customers`); absent, the file is an array, or an object whose `profiles` or `data` is.
   */
  constructor(
    private readonly displayName: string,
    private readonly arrayPath?: readonly string[],
  ) {}

  /** Scans a chunk; returns the elements that end in it. */
  feed(chunk: Buffer): ScannedElement[] {
    const elements: ScannedElement[] = [];
    const chunkOffset = this.bytesScanned;
    this.bytesScanned += chunk.length;
    let index = 0;
    let valueStart = this.value === undefined ? -1 : 0;
    for (; index < chunk.length; index++) {
      const byte = chunk[index] as number;
      if (this.value !== undefined) {
        const consumed = this.value.step(byte);
        if (byte === LF) this.line++;
        if (consumed === 'more') continue;
        // 'done' consumed this byte; 'before' ended the value just before it.
        const end = consumed === 'done' ? index + 1 : index;
        const bytes = this.takeValue(chunk.subarray(valueStart, end));
        valueStart = -1;
        this.finishValue(bytes, elements);
        if (consumed === 'done') continue;
        if (byte === LF) this.line--;
      }
      if (byte === LF) {
        this.line++;
        continue;
      }
      if (byte === 0x20 || byte === 0x09 || byte === 0x0d) continue;
      if (this.state === 'root' && chunkOffset + index < 3 && byte === UTF8_BOM[chunkOffset + index]) continue;
      if (this.startsValue(byte)) valueStart = index;
    }
    if (this.value !== undefined && valueStart !== -1) this.keepValuePart(chunk.subarray(valueStart));
    return elements;
  }

  /** Called at the end of the file: anything but a closed root is a truncated or empty file. */
  end(): void {
    if (this.state === 'after') {
      if (this.inWrapper && !this.hasArray) {
        if (this.arrayPath !== undefined) this.fail(1, `the file has no array at "${this.pathName()}" (--json-path)`);
        this.fail(
          1,
          `the object has no "profiles" or "data" array; ${EXPECTED_ROOT}, or name the array with --json-path (for one object per line, NDJSON, ${USE_NDJSON})`,
        );
      }
      return;
    }
    if (this.state === 'root') this.fail(this.line, 'the file holds no JSON; ' + EXPECTED_ROOT);
    if (this.value !== undefined && this.state === 'arrayElement') {
      this.fail(this.valueLine, 'the file ends inside this element (is it truncated?)');
    }
    this.fail(this.line, 'the file ends before the JSON array is closed (is it truncated?)');
  }

  /** Handles a structural byte outside any value; returns true when it starts a value. */
  private startsValue(byte: number): boolean {
    switch (this.state) {
      case 'root':
        if (byte === OPEN_BRACKET) {
          if (this.arrayPath !== undefined) {
            this.fail(this.line, `the file is an array, not an object holding "${this.pathName()}": leave --json-path out`);
          }
          this.state = 'arrayFirst';
        } else if (byte === OPEN_BRACE) {
          this.inWrapper = true;
          this.depth = 1;
          this.state = 'wrapperFirstKey';
        } else this.fail(this.line, this.arrayPath === undefined ? EXPECTED_ROOT : `expected a JSON object holding "${this.pathName()}"`);
        return false;
      case 'arrayFirst':
        if (byte === CLOSE_BRACKET) {
          this.closeArray();
          return false;
        }
        return this.beginValue('arrayElement', byte);
      case 'arrayElement':
        if (byte === CLOSE_BRACKET) this.fail(this.line, 'expected an element after ",", found "]"');
        return this.beginValue('arrayElement', byte);
      case 'arrayNext':
        if (byte === COMMA) this.state = 'arrayElement';
        else if (byte === CLOSE_BRACKET) this.closeArray();
        else this.fail(this.line, `expected "," or "]" after an array element, found ${describeByte(byte)}`);
        return false;
      case 'wrapperFirstKey':
      case 'wrapperKey':
        if (byte === CLOSE_BRACE && this.state === 'wrapperFirstKey') this.closeObject();
        else if (byte === QUOTE) return this.beginValue('wrapperKey', byte);
        else this.fail(this.line, EXPECTED_ROOT);
        return false;
      case 'wrapperColon':
        if (byte === COLON) this.state = 'wrapperValue';
        else this.fail(this.line, EXPECTED_ROOT);
        return false;
      case 'wrapperValue':
        return this.startsWrapperValue(byte);
      case 'wrapperNext':
        if (byte === COMMA) this.state = 'wrapperKey';
        else if (byte === CLOSE_BRACE) this.closeObject();
        else this.fail(this.line, EXPECTED_ROOT);
        return false;
      case 'after':
        // Objects one after another are NDJSON read as JSON: the first one looked like a wrapper.
        if (byte === OPEN_BRACE || (this.inWrapper && !this.hasArray)) {
          this.fail(
            this.line,
            `a second top-level JSON value starts here: the file looks like NDJSON (one object per line); ${USE_NDJSON}`,
          );
        }
        this.fail(this.line, 'unexpected content after the end of the JSON array');
    }
  }

  private beginValue(state: State, byte: number): boolean {
    if (byte === COMMA || byte === COLON || byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.fail(this.line, `expected a value, found ${describeByte(byte)}`);
    }
    this.state = state;
    this.value = new ValueScanner();
    this.valueLine = this.line;
    this.value.step(byte);
    return true;
  }

  private finishValue(bytes: Buffer, elements: ScannedElement[]): void {
    this.value = undefined;
    if (this.state === 'arrayElement') {
      elements.push({ bytes, line: this.valueLine });
      this.state = 'arrayNext';
    } else if (this.state === 'wrapperKey') {
      this.wrapperKey = this.parseWrapperKey(bytes);
      this.state = 'wrapperColon';
    } else {
      this.state = 'wrapperNext';
    }
  }

  private parseWrapperKey(bytes: Buffer): string {
    try {
      return JSON.parse(bytes.toString('utf8')) as string;
    } catch (error) {
      this.fail(this.valueLine, `a key of the top-level object is not valid JSON: ${describeJsonSyntaxError(error).reason}`, error);
    }
  }

  /** A wrapper object's value: the array of profiles, an object on the way to it, or a value skipped whole. */
  private startsWrapperValue(byte: number): boolean {
    const role = this.roleOf(this.wrapperKey);
    if (role === 'skip') return this.beginValue('wrapperValue', byte);
    const key = JSON.stringify(this.wrapperKey);
    if (role === 'object') {
      if (byte !== OPEN_BRACE) this.fail(this.line, `${key} must be an object holding "${this.pathName()}" (--json-path)`);
      this.depth++;
      this.state = 'wrapperFirstKey';
      return false;
    }
    if (byte !== OPEN_BRACKET) {
      const hint = this.arrayPath === undefined ? '; name the array of profiles with --json-path' : '';
      this.fail(this.line, `${key} must be an array of objects${hint}`);
    }
    if (this.hasArray) {
      this.fail(this.line, `a second array of profiles (${key}) starts here; name the one to read with --json-path`);
    }
    this.hasArray = true;
    this.state = 'arrayFirst';
    return false;
  }

  private roleOf(key: string): 'array' | 'object' | 'skip' {
    if (this.arrayPath === undefined) return this.depth === 1 && WRAPPER_KEYS.has(key) ? 'array' : 'skip';
    if (key !== this.arrayPath[this.depth - 1]) return 'skip';
    return this.depth === this.arrayPath.length ? 'array' : 'object';
  }

  private closeObject(): void {
    this.depth--;
    this.state = this.depth === 0 ? 'after' : 'wrapperNext';
  }

  /** For messages: the keys as --json-path names them. */
  private pathName(): string {
    return (this.arrayPath ?? []).map((key) => key.replaceAll('.', '\\.')).join('.');
  }

  private closeArray(): void {
    this.state = this.depth > 0 ? 'wrapperNext' : 'after';
  }

  private keepValuePart(part: Buffer): void {
    // A skipped wrapper value is not kept: only its extent matters.
    if (this.state === 'wrapperValue') return;
    this.valueParts.push(part);
    this.valueBytes += part.length;
    if (this.valueBytes > MAX_JSON_RECORD_BYTES) {
      this.fail(this.valueLine, 'this element is larger than 16 MB; is the file really a JSON array of profiles?');
    }
  }

  private takeValue(last: Buffer): Buffer {
    if (this.valueParts.length === 0) return last;
    const whole = Buffer.concat([...this.valueParts, last]);
    this.valueParts = [];
    this.valueBytes = 0;
    return whole;
  }

  private fail(line: number, reason: string, cause?: unknown): never {
    throw new InputFileError(this.displayName, { line }, reason, cause === undefined ? undefined : { cause });
  }
}

/**
 * Follows one JSON value byte by byte. `step` answers 'more' (the byte belongs to the value),
 * 'done' (the byte closes it) or 'before' (the value ended just before this byte, as a number or
 * literal does at a delimiter). Bracket kinds are not matched here: JSON.parse reports that.
 */
class ValueScanner {
  private depth = 0;
  private isInString = false;
  private isEscaped = false;
  private isScalar = false;
  private hasStarted = false;

  step(byte: number): 'more' | 'done' | 'before' {
    if (!this.hasStarted) {
      this.hasStarted = true;
      if (byte === QUOTE) this.isInString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth = 1;
      else this.isScalar = true;
      return 'more';
    }
    if (this.isInString) {
      if (this.isEscaped) this.isEscaped = false;
      else if (byte === BACKSLASH) this.isEscaped = true;
      else if (byte === QUOTE) {
        this.isInString = false;
        if (this.depth === 0) return 'done';
      }
      return 'more';
    }
    if (this.isScalar) {
      const endsScalar = byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE || byte <= 0x20 || byte === COLON;
      return endsScalar ? 'before' : 'more';
    }
    if (byte === QUOTE) this.isInString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth === 0) return 'done';
    }
    return 'more';
  }
}

function describeByte(byte: number): string {
  return byte >= 0x21 && byte < 0x7f ? JSON.stringify(String.fromCharCode(byte)) : `byte 0x${byte.toString(16)}`;
}
