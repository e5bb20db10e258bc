import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseDelimiter,
  parseDuration,
  parseFormat,
  parseMaxRemovalsOption,
  parseMirrorSource,
  parsePositiveInteger,
} from './option-parsers.js';

describe('option parsers', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '10x', '0', '-5s', '5s junk'])('refuses the duration "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
  });

  it('accepts the four delimiters by symbol or name', () => {
    expect(['\\t', 'tab', ',', ';', '|', 'pipe'].map(parseDelimiter)).toEqual(['\t', '\t', ',', ';', '|', '|']);
    expect(() => parseDelimiter(':')).toThrow(InvalidArgumentError);
  });

  it('accepts jsonl as ndjson and refuses unknown formats', () => {
    expect(parseFormat('JSONL')).toBe('ndjson');
    expect(() => parseFormat('xml')).toThrow(InvalidArgumentError);
  });

  it('bounds whole numbers', () => {
    const parse = parsePositiveInteger(100_000);
    expect(parse('5000')).toBe(5000);
    for (const bad of ['0', '100001', '1.5', 'ten', '-3']) expect(() => parse(bad)).toThrow(InvalidArgumentError);
  });
});

describe('mirror option parsers', () => {
  it.each([
    ['10%', { kind: 'percent', percent: 10 }],
    ['250', { kind: 'count', count: 250 }],
  ])('parses --max-removals %s', (text, expected) => {
    expect(parseMaxRemovalsOption(text)).toEqual(expected);
  });

  it.each(['ten', '150%', '-3', '2.5'])('refuses --max-removals "%s"', (text) => {
    expect(() => parseMaxRemovalsOption(text)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['state', 'state'],
    ['LIST', 'list'],
  ])('parses --mirror-source %s', (text, expected) => {
    expect(parseMirrorSource(text)).toBe(expected);
  });

  it('refuses another --mirror-source', () => {
    expect(() => parseMirrorSource('segment')).toThrow(InvalidArgumentError);
  });
});
