import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { closestName } from './did-you-mean.js';
import { validateConfig, type ExportOptionSpec } from './export-config.js';

const OPTIONS: ExportOptionSpec[] = [
  { key: 'list', flag: '--list', kind: 'value', isRequired: true, isPath: false, description: 'list id' },
  { key: 'emailField', flag: '--email-field', kind: 'value', isRequired: false, isPath: false, description: 'email column' },
  { key: 'map', flag: '--map', kind: 'repeatable', isRequired: false, isPath: false, description: 'mapping' },
  { key: 'maxPerExport', flag: '--max-per-export', kind: 'value', isRequired: false, isPath: false, description: 'n' },
  { key: 'rejects', flag: '--rejects', kind: 'value', isRequired: false, isPath: true, description: 'file' },
  { key: 'strict', flag: '--strict', kind: 'flag', isRequired: false, isPath: false, description: 'strict' },
];
const PATH = '/srv/exports/klaviyo-export.json';

function config(vip: Record<string, unknown> = {}, main: Record<string, unknown> = {}) {
  return {
    connections: { main: { apiKeyEnv: 'KLAVIYO_API_KEY', privacyAcknowledged: '2026-11-30', ...main } },
    exports: { vip: { connection: 'main', list: 'Y6nRLr', file: 'vip.csv', ...vip } },
  };
}

function problemsOf(json: unknown): string {
  try {
    validateConfig(json, PATH, OPTIONS);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected the config to be refused');
}

describe('validateConfig', () => {
  it('resolves the file and path options against the config file directory, keeping absolute ones', () => {
    const result = validateConfig(config({ rejects: 'out/r.csv', map: { first_name: 'First' }, maxPerExport: 5 }), PATH, OPTIONS);
    const vip = result.exports.get('vip')!;
    expect(vip.file).toBe('/srv/exports/vip.csv');
    expect(vip.fileAsWritten).toBe('vip.csv');
    expect(vip.options).toEqual({ list: 'Y6nRLr', rejects: '/srv/exports/out/r.csv', map: { first_name: 'First' }, maxPerExport: 5 });
    expect(validateConfig(config({ file: '/data/vip.csv' }), PATH, OPTIONS).exports.get('vip')!.file).toBe('/data/vip.csv');
    expect(result.connections.get('main')).toEqual({
      name: 'main',
      apiKeyEnv: 'KLAVIYO_API_KEY',
      baseUrl: undefined,
      privacyAcknowledged: '2026-11-30',
    });
  });

  it.each([
    ['a missing required key', config({ list: undefined }), 'exports.vip.list: required'],
    ['a misspelled export key', config({ emialField: 'Email' }), 'exports.vip.emialField: unknown key; did you mean "emailField"?'],
    ['a kebab-case key', config({ 'max-per-export': 5 }), 'exports.vip["max-per-export"]: unknown key; did you mean "maxPerExport"?'],
    ['a misspelled connection key', config({}, { apiKeyENV: 'X' }), 'connections.main.apiKeyENV: unknown key; did you mean "apiKeyEnv"?'],
    ['a top-level typo', { ...config(), export: {} }, 'export: unknown key; did you mean "exports"?'],
    ['a flag given a string', config({ strict: 'yes' }), 'exports.vip.strict: Invalid input: expected boolean'],
    ['an object for a value', config({ maxPerExport: { n: 5 } }), 'exports.vip.maxPerExport: expected a string or a number'],
    ['a number for a mapping', config({ map: 5 }), 'exports.vip.map: expected an object of name: value strings'],
    [
      'a plain-http base URL',
      config({}, { baseUrl: 'http://api.example.com' }),
      'connections.main.baseUrl: The base URL http://api.example.com uses plain http',
    ],
    [
      'a bad acknowledgment date',
      config({}, { privacyAcknowledged: 'yes' }),
      'connections.main.privacyAcknowledged: a date such as 2026-11-30',
    ],
    [
      'an unknown connection',
      config({ connection: 'mian' }),
      'exports.vip.connection: no connection named "mian" (did you mean "main"?); known: main',
    ],
    ['a name unfit for a file name', { ...config(), exports: { 'a/b': config().exports.vip } }, 'exports["a/b"]: a name of letters'],
  ])('refuses %s, naming its JSON path', (_, json, expected) => {
    expect(problemsOf(json)).toContain(expected);
  });

  it('lists every problem, one per line', () => {
    const message = problemsOf(config({ list: undefined, emialField: 'Email' }));
    expect(message.split('\n').slice(1)).toHaveLength(2);
  });

  it.each([
    ['a connection value', config({}, { apiKeyEnv: 'pk_abcdef0123456789abcdef0123456789ab' }), 'connections.main.apiKeyEnv'],
    ['an unknown key', config({}, { apiKey: 'pk_abcdef0123456789abcdef0123456789ab' }), 'connections.main.apiKey'],
    ['a mapping', config({ map: { first_name: 'pk_abcdef0123456789abcdef01' } }), 'exports.vip.map.first_name'],
  ])('refuses a literal private key in %s without echoing it', (_, json, where) => {
    const message = problemsOf(json);
    expect(message).toContain(`${where} holds what looks like a Klaviyo private API key`);
    expect(message).toContain('apiKeyEnv');
    expect(message).not.toContain('pk_abc');
  });
});

describe('closestName', () => {
  it.each([
    ['emialField', 'emailField'],
    ['max-per-export', 'maxPerExport'],
    ['REJECTS', 'rejects'],
    ['zzzzzz', undefined],
  ])('%s -> %s', (name, expected) => {
    expect(closestName(name, ['emailField', 'maxPerExport', 'rejects', 'report'])).toBe(expected);
  });
});
