import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, ROOT } from '../helpers/run-cli.js';

const run = promisify(execFile);
const dir = makeTempDir('kx-package-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a TypeScript user writes: every name resolves, and a wrong request does not compile. */
const CONSUMER_TS = `
import {
  DEFAULT_SANDBOX_KEY, ExitCode, REPORT_VERSION, UsageError, listLists, pushSegment, startSandbox, validateSegment,
  type PushEvent, type RunSummary,
} from 'klaviyo-export';

const sandbox = await startSandbox({ rateLimits: 'off' });
const lists = await listLists({ connection: { apiKey: DEFAULT_SANDBOX_KEY, baseUrl: sandbox.url } });
const names: string[] = lists.map((list) => list.name);
const summary: RunSummary = await validateSegment({ file: 'segment.csv', strict: false });
const version: typeof REPORT_VERSION = summary.version;
const describe = (event: PushEvent): string => (event.type === 'accepted' ? event.jobId : event.type);
const usage: number = new UsageError('x').exitCode + ExitCode.usage;
// @ts-expect-error a push needs a list and a state directory
void pushSegment({ file: 'segment.csv', connection: { apiKey: 'k' } }).catch(() => undefined);
console.log(names.length, version, describe({ type: 'preflight', listId: 'L' }), usage, summary.outcome);
await sandbox.close();
`;

describe('the npm package', () => {
  it('installs into an empty project, runs the library example against the sandbox, and its types resolve', async () => {
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await run('npm', ['install', join(dir, filename), '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], { cwd: app });

    // The README's example, as a user copies it next to a segment file.
    copyFileSync(join(ROOT, 'examples', 'library-push.mjs'), join(app, 'library-push.mjs'));
    copyFileSync(join(ROOT, 'examples', 'segment.csv'), join(app, 'segment.csv'));
    const example = await run(process.execPath, ['library-push.mjs'], { cwd: app });
    expect(example.stdout).toMatch(/^delivered: 2,?881 profiles imported, 0 refused \(report version 1\)$/m);
    expect(example.stdout).toMatch(/the list now has 2,?881 members/);

    writeFileSync(join(app, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          outDir: 'out',
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app]);
    const consumer = await run(process.execPath, [join(app, 'out', 'consumer.js')], { cwd: app });
    expect(consumer.stdout.trim()).toBe('2 1 preflight 4 validated');
    // The installed package is the library, not the repository: no tests or test fakes in it.
    const installed = join(app, 'node_modules', 'klaviyo-export');
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).exports['.'].types).toBe('./dist/index.d.ts');
    const files = readdirSync(join(installed, 'dist'), { recursive: true }).map(String);
    expect(files).toContain('index.d.ts');
    expect(files.filter((file) => /\.test(-support)?\./.test(file))).toEqual([]);
    // The README's table of contents and the docs link each other and .env.example: every such link resolves in the package.
    const pages = ['README.md', ...readdirSync(join(installed, 'docs')).map((name) => join('docs', name))];
    expect(pages).toContain(join('docs', 'library.md'));
    const unresolved = pages.flatMap((page) =>
      [...readFileSync(join(installed, page), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((link) => link[1]!)
        .filter((target) => !/^[a-z]+:/.test(target) && !existsSync(join(installed, dirname(page), target)))
        .map((target) => `${page}: ${target}`),
    );
    expect(unresolved).toEqual([]);
  }, 240_000);
});
