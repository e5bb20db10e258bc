import { describe, expect, it } from 'vitest';
import { checkExportName, checkVariableName, defaultExportName, parseMapAnswer, withInitExport, type InitAnswers } from './init-export.js';

const ANSWERS: InitAnswers = {
  connectionName: 'main',
  apiKeyEnv: 'KLAVIYO_API_KEY',
  baseUrl: undefined,
  privacyAcknowledged: undefined,
  exportName: 'vip',
  listId: 'Y6nRLr',
  file: 'vip.csv',
  emailField: 'Email',
  map: {},
  mapsKnownColumns: true,
  defaultCountry: undefined,
  sendsProperties: true,
  rejects: undefined,
  report: undefined,
};

describe('init answers', () => {
  it.each([
    ['KLAVIYO_API_KEY', undefined],
    ['pk_live_0123456789abcdefghij', /That is a key/],
    ['MY-KEY', /variable name such as/],
  ])('variable %s', (answer, problem) => {
    const found = checkVariableName(answer);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('names exports after their file, refusing a name taken or not allowed', () => {
    expect(defaultExportName('data/VIP customers.csv')).toBe('VIP-customers');
    expect(checkExportName('vip', { vip: {} })).toMatch(/already has an export named "vip"/);
    expect(checkExportName('a b', {})).toMatch(/letters, digits/);
    expect(parseMapAnswer(' first_name=First Name, ,location.city=City ')).toEqual(['first_name=First Name', 'location.city=City']);
    expect(parseMapAnswer('-')).toEqual([]);
  });

  it('adds the export and updates the connection, keeping the rest of the file', () => {
    const json = {
      $schema: 'x',
      connections: { main: { apiKeyEnv: 'OLD', privacyAcknowledged: '2026-01-01' } },
      exports: { old: { list: 'A' } },
    };
    const updated = withInitExport(
      json,
      { ...ANSWERS, baseUrl: 'http://127.0.0.1:4010', mapsKnownColumns: false, sendsProperties: false },
      'ignored',
    );
    expect(updated).toEqual({
      $schema: 'x',
      connections: { main: { apiKeyEnv: 'KLAVIYO_API_KEY', privacyAcknowledged: '2026-01-01', baseUrl: 'http://127.0.0.1:4010' } },
      exports: {
        old: { list: 'A' },
        vip: { connection: 'main', list: 'Y6nRLr', file: 'vip.csv', emailField: 'Email', noDefaultMap: true, noProperties: true },
      },
    });
    expect(withInitExport(undefined, ANSWERS, './node_modules/klaviyo-export/dist/klaviyo-export.schema.json').$schema).toBe(
      './node_modules/klaviyo-export/dist/klaviyo-export.schema.json',
    );
  });
});
