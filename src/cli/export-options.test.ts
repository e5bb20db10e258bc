import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';
import { mostSevere } from './run/exit-code-severity.js';
import { exportOptionSpecs, parsePushArgv, pushArgvOf } from './export-options.js';

describe('export keys derived from the push command', () => {
  it('are its options in camelCase, minus those the connection or run decides', () => {
    const keys = exportOptionSpecs().map((spec) => spec.key);
    expect(keys).toEqual(
      expect.arrayContaining(['list', 'emailField', 'map', 'maxPerExport', 'rejects', 'report', 'noWait', 'stateDir', 'timeout']),
    );
    for (const decided of ['apiKey', 'baseUrl', 'revision', 'json', 'quiet', 'logFormat', 'yes', 'dryRun'])
      expect(keys).not.toContain(decided);
    const byKey = new Map(exportOptionSpecs().map((spec) => [spec.key, spec]));
    expect(byKey.get('map')?.kind).toBe('repeatable');
    expect(byKey.get('noWait')).toMatchObject({ kind: 'flag', flag: '--no-wait' });
    expect(byKey.get('list')?.isRequired).toBe(true);
    expect(byKey.get('rejects')?.isPath).toBe(true);
  });

  it('give the options push would get from the same flags', () => {
    const specs = exportOptionSpecs();
    const argv = pushArgvOf(
      '/data/vip.csv',
      { list: 'Y6nRLr', map: { first_name: 'First Name' }, maxPerExport: 500, noWait: true, strict: false, format: 'csv' },
      specs,
    );
    const fromExport = parsePushArgv(argv, 'exports.vip');
    const fromFlags = parsePushArgv(
      ['/data/vip.csv', '--list', 'Y6nRLr', '--map', 'first_name=First Name', '--max-per-export', '500', '--no-wait', '--format', 'csv'],
      'flags',
    );
    expect(fromExport).toEqual(fromFlags);
    expect(fromExport.options).toMatchObject({ list: 'Y6nRLr', maxPerExport: 500, wait: false, map: ['first_name=First Name'] });
  });

  it('take the mapping options: noDefaultMap, noProperties and jsonPath', () => {
    const specs = exportOptionSpecs();
    const byKey = new Map(specs.map((spec) => [spec.key, spec]));
    expect(byKey.get('noDefaultMap')).toMatchObject({ kind: 'flag', flag: '--no-default-map' });
    expect(byKey.get('noProperties')).toMatchObject({ kind: 'flag', flag: '--no-properties' });
    expect(byKey.get('jsonPath')).toMatchObject({ kind: 'value', flag: '--json-path' });
    const argv = pushArgvOf('/data/vip.json', { list: 'L', noDefaultMap: true, noProperties: true, jsonPath: 'response.customers' }, specs);
    expect(parsePushArgv(argv, 'exports.vip').options).toMatchObject({
      defaultMap: false,
      properties: false,
      jsonPath: 'response.customers',
    });
    expect(parsePushArgv(pushArgvOf('/data/vip.csv', { list: 'L' }, specs), 'exports.vip').options).toMatchObject({
      defaultMap: true,
      properties: true,
    });
  });

  it('take the gates (minRows, allowEmpty, maxRejected), but not the run-wide verbose', () => {
    const specs = exportOptionSpecs();
    const byKey = new Map(specs.map((spec) => [spec.key, spec]));
    expect(byKey.get('minRows')).toMatchObject({ kind: 'value', flag: '--min-rows' });
    expect(byKey.get('allowEmpty')).toMatchObject({ kind: 'flag', flag: '--allow-empty' });
    expect(byKey.get('maxRejected')).toMatchObject({ kind: 'value', flag: '--max-rejected' });
    expect(byKey.has('verbose')).toBe(false);
    const argv = pushArgvOf('/data/vip.csv', { list: 'L', minRows: 1000, allowEmpty: true, maxRejected: '2.5%' }, specs);
    expect(parsePushArgv(argv, 'exports.vip').options).toMatchObject({ minRows: 1000, allowEmpty: true, maxRejected: 2.5 });
    expect(parsePushArgv(pushArgvOf('/data/vip.csv', { list: 'L' }, specs), 'exports.vip').options).toMatchObject({ minRows: 1 });
    expect(() => parsePushArgv(pushArgvOf('/f.csv', { list: 'L', maxRejected: 120 }, specs), 'exports.vip')).toThrow(
      /^exports\.vip: .*--max-rejected/,
    );
  });

  it("refuse a value push would refuse, with push's reason", () => {
    const argv = pushArgvOf('/f.csv', { list: 'L', maxPerExport: 0 }, exportOptionSpecs());
    expect(() => parsePushArgv(argv, 'exports.vip')).toThrow(/^exports\.vip: .*--max-per-export/);
  });
});

describe('mostSevere', () => {
  it.each([
    [[0, 1, 0], 1],
    [[1, 4], 4],
    [[4, 2], 2],
    [[2, 3], 3],
    [[3, 70], 70],
    [[70, 130, 0], 130],
    [[], 0],
  ] as const)('%j -> %i', (codes, expected) => {
    expect(mostSevere(codes)).toBe(expected);
  });

  it('reads success only when every run succeeded', () => {
    expect(mostSevere([ExitCode.success, ExitCode.success])).toBe(ExitCode.success);
  });
});
