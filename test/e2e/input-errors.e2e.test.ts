import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, runCli } from '../helpers/run-cli.js';

/** What the user's file is: text or bytes to write, a directory, or nothing at all. */
type FileContent = string | Buffer | { directory: true } | { missing: true };

interface InputErrorCase {
  name: string;
  file: string;
  content: FileContent;
  args?: string[];
  /** Every pattern must appear in the error sentence. */
  says: RegExp[];
}

const VALID_CSV = 'email,name,phone\na@example.com,Ann,\n';

const CASES: InputErrorCase[] = [
  { name: 'a missing file', file: 'missing.csv', content: { missing: true }, says: [/missing\.csv/, /not found/] },
  { name: 'a directory', file: 'folder.csv', content: { directory: true }, says: [/folder\.csv/, /directory/] },
  {
    name: 'a directory given with --format',
    file: 'folder',
    content: { directory: true },
    args: ['--format', 'csv'],
    says: [/folder/, /directory/],
  },
  { name: 'an empty file', file: 'empty.csv', content: '', says: [/empty\.csv/, /empty/] },
  { name: 'a file of blank lines', file: 'blank.csv', content: '\n\n', says: [/blank\.csv/, /no header/] },
  {
    name: 'a binary file',
    file: 'image.csv',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]),
    says: [/image\.csv/, /line 1/, /binary/],
  },
  {
    name: 'a wrong --delimiter, so that no email column appears (the columns found are listed)',
    file: 'semicolons.csv',
    content: 'email;name\na@example.com;Ann\n',
    args: ['--delimiter', ','],
    says: [/semicolons\.csv/, /no email column/i, /columns: email;name/],
  },
  {
    name: 'unbalanced quotes (the line where the quote opened)',
    file: 'quotes.csv',
    content: 'email,name\na@example.com,Ann\nb@example.com,"Bob\nc@example.com,Cy\nd@example.com,Di\n',
    says: [/quotes\.csv/, /line 3\b/, /never closed/],
  },
  {
    name: 'a row with too many fields',
    file: 'fields.csv',
    content: 'email,name\na@example.com,Ann\nb@example.com,Bob,extra\n',
    says: [/fields\.csv/, /line 3\b/, /3 fields/, /header has 2/],
  },
  {
    name: 'invalid UTF-8',
    file: 'latin1.csv',
    content: Buffer.concat([Buffer.from('email,name\na@example.com,Ann\nb@example.com,Ren'), Buffer.from([0xe9]), Buffer.from('e\n')]),
    says: [/latin1\.csv, line 3, column 18\b/, /0xE9/, /UTF-8/],
  },
  {
    name: 'JSON that is not an array of objects',
    file: 'object.json',
    content: '{"email": "a@example.com"}',
    says: [/object\.json/, /line 1\b/, /array/],
  },
  { name: 'a JSON string', file: 'string.json', content: '"a@example.com"', says: [/string\.json/, /line 1\b/, /array of objects/] },
  {
    name: 'a JSON element that is not an object',
    file: 'mixed.json',
    content: '[\n{"email": "a@example.com"},\n"b@example.com"\n]',
    says: [/mixed\.json/, /line 3\b/, /element 2/, /not an object/],
  },
  {
    name: 'JSON with a syntax error',
    file: 'trailing-comma.json',
    content: '[\n{"email": "a@example.com"},\n{"email": "b@example.com", }\n]',
    says: [/trailing-comma\.json/, /line 3\b/, /not valid JSON/],
  },
  {
    name: 'NDJSON with a bad line',
    file: 'bad.ndjson',
    content: '{"email":"a@example.com"}\n{"email":"b@example.com"}\n{email: c}\n',
    says: [/bad\.ndjson/, /line 3\b/, /not valid JSON/],
  },
  {
    name: 'duplicate header names',
    file: 'dup-header.csv',
    content: 'email,name,name\na@example.com,Ann,Annie\n',
    says: [/dup-header\.csv/, /line 1\b/, /"name"/, /twice/],
  },
  {
    name: 'an unknown --map field',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--map', 'nickname=name'],
    says: [/nickname/, /not a Klaviyo profile field/, /first_name/],
  },
  {
    name: '--map to an absent column',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--map', 'first_name=First'],
    says: [/"First"/, /ok\.csv/, /columns: email, name, phone/],
  },
  {
    name: 'ambiguous email columns',
    file: 'two-emails.csv',
    content: 'Email,E-mail Address,name\na@example.com,b@example.com,Ann\n',
    says: [/two-emails\.csv/, /Email, E-mail Address/, /--email-field/],
  },
  {
    name: '--email-field naming an absent column',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--email-field', 'mail'],
    says: [/"mail"/, /ok\.csv/, /columns: email, name, phone/],
  },
  {
    name: 'a bad --default-country',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--default-country', 'XX'],
    says: [/"XX"/, /country code/],
  },
  { name: 'an unknown option', file: 'ok.csv', content: VALID_CSV, args: ['--colour'], says: [/unknown option '--colour'/] },
  {
    name: '--max-per-export 0',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--max-per-export', '0'],
    says: [/--max-per-export/, /'0'/, /1 to 100,000/],
  },
  {
    name: '--batch-size above 10,000',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--batch-size', '10001'],
    says: [/--batch-size/, /1 to 10,000/],
  },
  {
    name: '--format xml',
    file: 'ok.csv',
    content: VALID_CSV,
    args: ['--format', 'xml'],
    says: [/--format/, /'xml'/, /csv, json, ndjson or parquet/],
  },
];

function placeFile(dir: string, name: string, content: FileContent): void {
  const path = join(dir, name);
  if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(path, content);
  else if ('directory' in content) mkdirSync(path);
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('error:'));
}

describe('input errors: exit 2 with one sentence naming the file (and line), no stack trace', () => {
  // Each case is its own subprocess and temp dir: they run side by side; `expect` comes from each test's context.
  it.concurrent.for(CASES)('$name', async ({ file, content, args = [], says }, { expect }) => {
    const dir = makeTempDir();
    placeFile(dir, file, content);
    const result = await runCli(['validate', file, ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const errors = errorLines(result.stderr);
    expect(errors).toHaveLength(1);
    for (const pattern of says) expect(errors[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --json, a file error gives one JSON object on stdout naming the failure (no half-written plan)', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'quotes.csv'), 'email,name\na@example.com,"Ann\n');
    const result = await runCli(['validate', 'quotes.csv', '--json'], { cwd: dir });
    expect(result.code).toBe(2);
    const failure = JSON.parse(result.stdout);
    expect(failure).toMatchObject({ version: 1, outcome: 'failed', exitCode: 2 });
    expect(failure.error).toMatch(/quotes\.csv, line 2/);
    expect(result.stderr).toMatch(/quotes\.csv, line 2/);
  });

  it('standard input without --format is read as what its first bytes say it is', async () => {
    const csv = await runCli(['validate', '-', '--json'], { input: 'email\na@example.com\n' });
    expect(csv.code).toBe(0);
    expect(JSON.parse(csv.stdout)).toMatchObject({ format: 'csv', rows: { read: 1, valid: 1 } });
    const ndjson = await runCli(['validate', '-', '--json'], { input: '{"email":"a@example.com"}\n{"email":"b@example.com"}\n' });
    expect(JSON.parse(ndjson.stdout)).toMatchObject({ format: 'ndjson', rows: { read: 2, valid: 2 } });
  });

  it.each([
    ['the input file itself', 'ok.csv', /the rejects file path is the input file itself/],
    ['the input under another spelling of its path', './ok.csv', /the input file itself/],
    ['a symbolic link', 'link.csv', /the rejects file path is a symbolic link/],
  ])('refuses --rejects pointing at %s before anything is read, leaving the input intact', async (_case, rejects, says) => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'ok.csv'), VALID_CSV);
    symlinkSync(join(dir, 'elsewhere.csv'), join(dir, 'link.csv'));
    const result = await runCli(['validate', 'ok.csv', '--rejects', rejects], { cwd: dir });
    expect(result.code).toBe(2);
    expect(errorLines(result.stderr)[0]).toMatch(says);
    expect(readFileSync(join(dir, 'ok.csv'), 'utf8')).toBe(VALID_CSV);
  });

  it('writes the rejects file readable by its owner only, an existing file included', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'mixed.csv'), 'email,name\na@example.com,Ann\nnot-an-email,Bob\n');
    writeFileSync(join(dir, 'rejects.csv'), 'old', { mode: 0o644 });
    const result = await runCli(['validate', 'mixed.csv', '--rejects', 'rejects.csv'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(statSync(join(dir, 'rejects.csv')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'rejects.csv'), 'utf8')).toMatch(/^line,reason/);
  });
});
