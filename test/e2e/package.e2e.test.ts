import { execFile, spawnSync } from 'node:child_process';
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

  it('installs globally from the packed tarball (docs/install.md): push --help has examples, and its completion scripts work', async () => {
    mkdirSync(join(dir, 'tarball'), { recursive: true });
    const tarball = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', join(dir, 'tarball')], { cwd: ROOT });
    const [{ filename }] = JSON.parse(tarball.stdout) as [{ filename: string }];
    const prefix = join(dir, 'global');
    await run('npm', ['install', '-g', '--prefix', prefix, join(dir, 'tarball', filename), '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: dir,
    });
    // Outside the repository, as a user's shell finds it.
    const path = `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`;
    const shellEnv = { PATH: path, HOME: dir, NO_COLOR: '1' };
    const help = await run('klaviyo-export', ['push', '--help'], { cwd: dir, env: shellEnv });
    expect(help.stdout).toMatch(/^Examples:$/m);
    expect(help.stdout).toContain('klaviyo-export push --list Y6nRLr customers.csv');

    const bash = await run(
      'bash',
      [
        '-c',
        'klaviyo-export completion bash > c.bash && bash -n c.bash && source c.bash && COMP_WORDS=(klaviyo-export push --); COMP_CWORD=2; _klaviyo_export; printf "%s\\n" "${COMPREPLY[@]}"',
      ],
      {
        cwd: dir,
        env: shellEnv,
      },
    );
    const completed = bash.stdout.trim().split('\n');
    // Exactly push's options, read from its definition: a new option is completed at once.
    expect(completed).toEqual(
      expect.arrayContaining(['--list', '--rejects', '--min-rows', '--allow-empty', '--max-rejected', '--verbose', '--yes', '--help']),
    );
    expect(completed).not.toContain('--sample');
    const commands = await run(
      'bash',
      ['-c', 'source c.bash; COMP_WORDS=(klaviyo-export ""); COMP_CWORD=1; _klaviyo_export; echo "${COMPREPLY[@]}"'],
      { cwd: dir, env: shellEnv },
    );
    expect(commands.stdout.trim().split(' ')).toEqual(expect.arrayContaining(['validate', 'push', 'verify', 'init', 'completion']));

    if (hasShell('zsh')) {
      // zsh -n checks the syntax; compinit then registers the function for the command.
      const zsh = await run(
        'zsh',
        [
          '-c',
          'klaviyo-export completion zsh > _c && zsh -n _c && autoload -U compinit && compinit -u -D && source ./_c && print -- ${_comps[klaviyo-export]}',
        ],
        {
          cwd: dir,
          env: shellEnv,
        },
      );
      expect(zsh.stdout.trim()).toBe('_klaviyo_export');
    }
    if (hasShell('fish')) {
      const fish = await run(
        'fish',
        [
          '-c',
          'klaviyo-export completion fish > c.fish; and fish -n c.fish; and source c.fish; and complete -C "klaviyo-export push --max-r"',
        ],
        {
          cwd: dir,
          env: shellEnv,
        },
      );
      expect(fish.stdout).toMatch(/^--max-rejected\t/m);
    }
  }, 240_000);
});

function hasShell(name: string): boolean {
  return spawnSync(name, ['-c', 'true']).status === 0;
}
