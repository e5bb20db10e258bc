import { describe, expect, it } from 'vitest';
import { InputFileError } from '../errors.js';
import { mulberry32 } from '../sandbox/faults.js';
import { readJson } from './json-reader.js';
import type { SourceRecord } from './source-record.js';

/*
 * Seeded fuzzing of the JSON reader (the streaming scanner, then each element parsed alone) against
 * JSON.parse. Every case has its own seed, printed when it fails; to replay one case, or to explore
 * more: JSON_FUZZ_SEED=<seed> JSON_FUZZ_CASES=<n> npx vitest run src/source/json-reader.fuzz.test.ts
 */
const FIRST_SEED = Number(process.env.JSON_FUZZ_SEED ?? 20_261_130);
const CASES = Number(process.env.JSON_FUZZ_CASES ?? 250);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

class Draw {
  readonly #random: () => number;
  constructor(seed: number) {
    this.#random = mulberry32(seed);
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }
  chance(probability: number): boolean {
    return this.#random() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
}

/** A JSON text, the value the reader must give for it, and the value JSON.parse gives. */
interface Generated {
  text: string;
  /** As the reader documents it: integers beyond Number.MAX_SAFE_INTEGER are strings of their exact digits. */
  exact: unknown;
  parsed: unknown;
}

const WHITESPACE = [' ', '\t', '\n', '\r\n', '\r', '  \n  '];

function whitespace(draw: Draw): string {
  if (draw.chance(0.5)) return '';
  let text = '';
  for (let count = draw.int(1, 3); count > 0; count--) text += draw.pick(WHITESPACE);
  return text;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
// Plain ASCII, structural characters inside strings, accented and CJK text, an emoji (a surrogate
// pair), line and paragraph separators, control characters (escaped), and lone surrogates (escaped).
const CHARACTER_POOLS: readonly (readonly string[])[] = [
  ['a', 'b', 'Z', '0', '9', ' ', '@', '.', '-', '_'],
  ['{', '}', '[', ']', ',', ':', '"', '\\', '/'],
  ['é', 'Zoë', 'ß', '中', '文', 'Ω', '\u00a0'],
  ['😀', '𝄞'],
  ['\u2028', '\u2029', '\u007f'],
  ['\u0000', '\u0001', '\b', '\f', '\n', '\r', '\t', '\u001f'],
  ['\ud800', '\udfff'],
];

function escapeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function stringText(value: string, draw: Draw): string {
  let text = '"';
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    const isLoneSurrogate = character.length === 1 && code >= 0xd800 && code <= 0xdfff;
    const mustEscape = code < 0x20 || character === '"' || character === '\\' || isLoneSurrogate;
    if (!mustEscape && !draw.chance(0.15)) text += character;
    else if (SHORT_ESCAPES[character] !== undefined && draw.chance(0.7)) text += SHORT_ESCAPES[character];
    else if (character === '/' && draw.chance(0.5)) text += '\\/';
    else text += character.split('').map(escapeUnit).join('');
  }
  return `${text}"`;
}

function randomString(draw: Draw): string {
  let value = '';
  for (let length = draw.int(0, 10); length > 0; length--) value += draw.pick(draw.pick(CHARACTER_POOLS));
  return value;
}

function generateString(draw: Draw): Generated {
  const value = randomString(draw);
  return { text: stringText(value, draw), exact: value, parsed: value };
}

function digits(draw: Draw, length: number): string {
  let text = String(draw.int(1, 9));
  while (text.length < length) text += String(draw.int(0, 9));
  return text;
}

function generateNumber(draw: Draw): Generated {
  const sign = draw.chance(0.3) ? '-' : '';
  const kind = draw.int(0, 6);
  let text: string;
  if (kind === 0) text = `${sign}${draw.int(0, 1000)}`;
  else if (kind === 1) text = `${sign}${digits(draw, draw.int(10, 15))}`;
  else if (kind === 2) text = draw.pick(['9007199254740991', '-9007199254740991', '9007199254740992', '-9007199254740992', '-0']);
  else if (kind === 3) text = `${sign}${draw.int(0, 99)}.${String(draw.int(0, 99_999)).padStart(draw.int(1, 5), '0')}`;
  else if (kind === 4)
    text = `${sign}${draw.int(0, 9)}${draw.chance(0.5) ? `.${draw.int(0, 999)}` : ''}${draw.pick(['e', 'E'])}${draw.pick(['', '+', '-'])}${draw.int(0, 400)}`;
  else if (kind === 5) text = `${sign}${digits(draw, draw.int(17, 26))}${draw.pick(['.5', 'e2', 'E-3'])}`;
  // Beyond Number.MAX_SAFE_INTEGER: 17 digits or more is always larger than 2^53.
  else text = `${sign}${digits(draw, draw.int(17, 26))}`;
  const isUnsafeInteger = /^-?\d+$/.test(text) && (BigInt(text) > MAX_SAFE || BigInt(text) < -MAX_SAFE);
  return { text, exact: isUnsafeInteger ? text : Number(text), parsed: Number(text) };
}

function generateArray(draw: Draw, depth: number): Generated {
  const items = Array.from({ length: draw.int(0, 4) }, () => generateValue(draw, depth + 1));
  const text =
    items.length === 0
      ? `[${whitespace(draw)}]`
      : `[${items.map((item) => `${whitespace(draw)}${item.text}${whitespace(draw)}`).join(',')}]`;
  return { text, exact: items.map((item) => item.exact), parsed: items.map((item) => item.parsed) };
}

const FIELD_NAMES = ['email', 'first_name', 'phone_number', 'id', 'tags', 'address'];

function generateObject(draw: Draw, depth: number, maxMembers = 5): Generated {
  const exact: Record<string, unknown> = {};
  const parsed: Record<string, unknown> = {};
  const members: string[] = [];
  const keys: string[] = [];
  for (let count = draw.int(0, maxMembers); count > 0; count--) {
    // A repeated key: JSON.parse keeps the last value, and so must the reader.
    let key = keys.length > 0 && draw.chance(0.05) ? draw.pick(keys) : draw.chance(0.5) ? draw.pick(FIELD_NAMES) : randomString(draw);
    if (key === '__proto__') key = 'proto';
    keys.push(key);
    const value = generateValue(draw, depth + 1);
    exact[key] = value.exact;
    parsed[key] = value.parsed;
    members.push(`${whitespace(draw)}${stringText(key, draw)}${whitespace(draw)}:${whitespace(draw)}${value.text}${whitespace(draw)}`);
  }
  const text = members.length === 0 ? `{${whitespace(draw)}}` : `{${members.join(',')}}`;
  return { text, exact, parsed };
}

function generateValue(draw: Draw, depth: number): Generated {
  const kind = draw.int(0, depth < 4 ? 7 : 4);
  if (kind <= 1) return generateString(draw);
  if (kind <= 3) return generateNumber(draw);
  if (kind === 4)
    return draw.pick([
      { text: 'true', exact: true, parsed: true },
      { text: 'false', exact: false, parsed: false },
      { text: 'null', exact: null, parsed: null },
    ]);
  if (kind <= 5) return generateArray(draw, depth);
  return generateObject(draw, depth);
}

interface Document {
  /** The file's text, without the byte order mark the reader also accepts. */
  text: string;
  hasBom: boolean;
  records: SourceRecord[];
  /** What JSON.parse gives for the elements. */
  parsedElements: unknown[];
}

/**
 * A valid segment file: an array of objects, or `{"profiles": [...]}`, with other members around
 * it when `hasOtherMembers` allows.
 */
function generateDocument(draw: Draw, hasOtherMembers = true): Document {
  const isWrapped = draw.chance(0.25);
  let text = whitespace(draw);
  if (isWrapped) {
    text += '{';
    if (hasOtherMembers && draw.chance(0.5))
      text += `${whitespace(draw)}"meta"${whitespace(draw)}:${whitespace(draw)}${generateValue(draw, 2).text},`;
    text += `${whitespace(draw)}"profiles"${whitespace(draw)}:${whitespace(draw)}`;
  }
  text += '[';
  const records: SourceRecord[] = [];
  const parsedElements: unknown[] = [];
  const count = draw.int(0, 8);
  for (let index = 0; index < count; index++) {
    if (index > 0) text += ',';
    text += whitespace(draw);
    const element = generateObject(draw, 1, 6);
    records.push({ line: text.split('\n').length, index, fields: element.exact as Record<string, unknown> });
    parsedElements.push(element.parsed);
    text += element.text + whitespace(draw);
  }
  text += `${whitespace(draw)}]`;
  if (isWrapped) {
    if (hasOtherMembers && draw.chance(0.5))
      text += `,${whitespace(draw)}"after"${whitespace(draw)}:${whitespace(draw)}${generateValue(draw, 2).text}`;
    text += `${whitespace(draw)}}`;
  }
  return { text: text + whitespace(draw), hasBom: draw.chance(0.1), records, parsedElements };
}

/** Chunk sizes: one byte at a time, a few bytes, tens of bytes, or the whole file at once. */
function chunkSizes(draw: Draw, length: number): number[] {
  const mode = draw.int(0, 3);
  const sizes: number[] = [];
  for (let total = 0; total < length;) {
    const size = mode === 0 ? 1 : mode === 1 ? draw.int(1, 8) : mode === 2 ? draw.int(1, 64) : length;
    sizes.push(size);
    total += size;
  }
  return sizes;
}

function describeSizes(sizes: readonly number[]): string {
  return sizes.every((size) => size === sizes[0]) ? `${sizes.length} of ${sizes[0]} byte(s)` : sizes.join(',');
}

async function* chunksOf(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const size of sizes) {
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function read(
  text: string,
  hasBom: boolean,
  sizes: readonly number[],
): Promise<{ records: SourceRecord[]; columns: readonly string[] }> {
  const bytes = Buffer.concat([Buffer.from(hasBom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
  const reader = readJson(chunksOf(bytes, sizes), { displayName: 'fuzz.json' });
  const records: SourceRecord[] = [];
  for await (const batch of reader.batches) records.push(...batch);
  return { records, columns: reader.columns };
}

function firstSeenKeys(records: readonly SourceRecord[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record.fields)) keys.add(key);
  return [...keys];
}

/** Runs one case; a failure names its seed, the input and the chunk sizes, so that it can be replayed. */
async function replayable(seed: number, describeInput: () => string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `JSON fuzz case with seed ${seed} failed (replay: JSON_FUZZ_SEED=${seed} JSON_FUZZ_CASES=1): ${message}\n${describeInput()}`,
      {
        cause: error,
      },
    );
  }
}

const seeds = Array.from({ length: CASES }, (_, offset) => FIRST_SEED + offset);

describe(`the JSON reader against JSON.parse, seeds ${FIRST_SEED} to ${FIRST_SEED + CASES - 1}`, () => {
  it('reads every valid array of objects as JSON.parse does, in chunks of any size down to one byte', async () => {
    for (const seed of seeds) {
      const draw = new Draw(seed);
      const document = generateDocument(draw);
      const sizes = chunkSizes(draw, Buffer.byteLength(document.text) + (document.hasBom ? 3 : 0));
      await replayable(
        seed,
        () => `input: ${JSON.stringify(document.text)}${document.hasBom ? ' (after a BOM)' : ''}\nchunk sizes: ${describeSizes(sizes)}`,
        async () => {
          // The generator is checked against JSON.parse first: it then states exactly what the reader must return.
          const parsed = JSON.parse(document.text) as unknown;
          expect(Array.isArray(parsed) ? parsed : (parsed as { profiles: unknown }).profiles).toEqual(document.parsedElements);
          const { records, columns } = await read(document.text, document.hasBom, sizes);
          expect(records).toEqual(document.records);
          expect(columns).toEqual(firstSeenKeys(document.records));
        },
      );
    }
  });

  it('refuses every broken file with an input error, never another error or a hang', async () => {
    let refused = 0;
    for (const seed of seeds) {
      const draw = new Draw(seed ^ 0x5bd1e995);
      // The reader finds where the wrapper's other members end without parsing them (only the
      // profiles matter), so a break inside one is not refused: such members are left out here.
      const document = generateDocument(draw, false);
      const text = breakText(draw, document.text);
      const sizes = chunkSizes(draw, Buffer.byteLength(text) + (document.hasBom ? 3 : 0));
      await replayable(
        seed,
        () => `input: ${JSON.stringify(text)}${document.hasBom ? ' (after a BOM)' : ''}\nchunk sizes: ${describeSizes(sizes)}`,
        async () => {
          const elements = segmentElements(text);
          const outcome = await read(text, document.hasBom, sizes).then(
            (result) => ({ result }),
            (error: unknown) => ({ error }),
          );
          if (elements === undefined) {
            refused++;
            expect('error' in outcome ? outcome.error : outcome.result).toBeInstanceOf(InputFileError);
            const { message } = (outcome as { error: InputFileError }).error;
            // One sentence naming the file and the line, as the user sees it.
            expect(message).toMatch(/^fuzz\.json, line \d+(, column \d+)?: /);
            expect(message).not.toContain('\n');
            return;
          }
          // Breaking it left a valid segment file: then it reads as JSON.parse reads it.
          if ('error' in outcome) throw outcome.error;
          // Exact big integers differ from JSON.parse by design; the valid-file case checks them.
          if (/\d{16}/.test(text)) return;
          expect(outcome.result.records.map((record) => record.fields)).toEqual(elements);
        },
      );
    }
    // The breakage is meant to break: nearly every case must be a refusal, or the test proves little.
    expect(refused).toBeGreaterThan(CASES * 0.8);
  });
});

const BREAKING_INSERTS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  ',',
  ':',
  'x',
  '0',
  '-',
  '.',
  'e',
  '\u0000',
  '\u000b',
  'tru',
  'nul',
  '{}',
  '[]',
  '1e',
  '\\u12',
  '"a":',
  '07',
];

/** `text` with one to three random edits: a character deleted, inserted or replaced, or the end cut off. */
function breakText(draw: Draw, text: string): string {
  let characters = [...text];
  for (let edits = draw.int(1, 3); edits > 0; edits--) {
    const at = draw.int(0, characters.length);
    const kind = draw.int(0, 3);
    if (kind === 0) characters.splice(at, draw.int(1, 3));
    else if (kind === 1) characters.splice(at, 0, draw.pick(BREAKING_INSERTS));
    else if (kind === 2) characters.splice(at, 1, draw.pick(BREAKING_INSERTS));
    else characters = characters.slice(0, at);
  }
  return characters.join('');
}

/** The elements JSON.parse finds in `text` if it is a segment file (an array of objects or a "profiles" wrapper), else undefined. */
function segmentElements(text: string): unknown[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isObject = (item: unknown): boolean => typeof item === 'object' && item !== null && !Array.isArray(item);
  const elements = isObject(value) ? (value as { profiles?: unknown }).profiles : value;
  return Array.isArray(elements) && elements.every(isObject) ? elements : undefined;
}
