import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports point toward the pipeline (STYLE.md): the readers, the mapping, the HTTP client and the
 * renderers import neither each other, the pipeline nor the CLI, and only the CLI imports the CLI.
 * Imports here are relative (`../klaviyo/x.js`, `../../klaviyo/x.js` from a stage of src/export)
 * and every folder is one level deep, so a specifier names the folder it reaches. (Dynamic
 * `import()` is not checked; the code base has none.)
 */
const ISOLATED_FOLDERS = ['source', 'mapping', 'klaviyo', 'report'];

/** A `no-restricted-imports` setting that refuses any relative import reaching one of `folders` under src/. */
function forbidImports(folders, message) {
  return ['error', { patterns: [{ regex: `^(?:\\.{1,2}/)+(?:src/)?(?:${folders.join('|')})(?:/|$)`, message }] }];
}

function sentenceList(items, conjunction = 'nor') {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/**
 * src/export is the pipeline, one folder a stage. A stage imports only the stages it is built on
 * (this table), so imports never run back up: push/ runs the stages and nothing imports it.
 * Files outside src/export never import it, but the CLI and the library entry (src/index.ts).
 */
export const EXPORT_STAGES = {
  events: [],
  batches: [],
  rejects: [],
  sync: [],
  plan: ['batches', 'events', 'sync'],
  scan: ['batches', 'rejects'],
  delivery: ['batches', 'rejects'],
  consent: ['rejects', 'scan'],
  summary: ['delivery', 'rejects', 'scan'],
  verify: ['batches', 'rejects', 'scan'],
  validate: ['events', 'plan', 'rejects', 'scan', 'summary', 'sync'],
  push: ['events', 'batches', 'rejects', 'sync', 'plan', 'scan', 'delivery', 'consent', 'summary'],
};

/** Folders under src/ below the pipeline: they import neither src/export nor src/cli. */
const BELOW_PIPELINE = ['config', 'privacy', 'state', 'sandbox'];

/** A `no-restricted-imports` setting for a stage of src/export: the other stages it may not import, and src/cli. */
function stageImports(stage) {
  const refused = Object.keys(EXPORT_STAGES).filter((other) => other !== stage && !EXPORT_STAGES[stage].includes(other));
  const allowed =
    EXPORT_STAGES[stage].length === 0
      ? 'no other stage'
      : sentenceList(
          EXPORT_STAGES[stage].map((other) => `${other}/`),
          'and',
        );
  const message = `src/export/${stage}/ imports ${allowed} (EXPORT_STAGES in eslint.config.js), nor src/cli: imports point toward the pipeline (STYLE.md).`;
  return [
    'error',
    {
      patterns: [
        { regex: `^\\.\\./(?:${refused.join('|')})(?:/|$)`, message },
        { regex: '^(?:\\.{1,2}/)+(?:src/)?cli(?:/|$)', message },
      ],
    },
  ];
}

/** Proven by scripts/import-boundaries.test.ts, which reads the composed config. */
const importBoundaries = [
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-restricted-imports': forbidImports(['cli'], 'Only src/cli imports src/cli: it is the process boundary (STYLE.md).') },
  },
  ...BELOW_PIPELINE.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': forbidImports(
        ['cli', 'export'],
        `src/${folder} imports neither src/export nor src/cli: imports point toward the pipeline (STYLE.md).`,
      ),
    },
  })),
  ...ISOLATED_FOLDERS.map((folder) => {
    const others = [...ISOLATED_FOLDERS.filter((other) => other !== folder), 'export', 'cli'];
    const message = `src/${folder} imports neither ${sentenceList(others.map((other) => `src/${other}`))}: imports point toward the pipeline (STYLE.md).`;
    return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': forbidImports(others, message) } };
  }),
  ...Object.keys(EXPORT_STAGES).map((stage) => ({
    files: [`src/export/${stage}/**/*.ts`],
    rules: { 'no-restricted-imports': stageImports(stage) },
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.mjs', 'examples/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // An AbortSignal's reason is `any`: rejecting with it is how aborts travel.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tests read the CLI's JSON output and Klaviyo-shaped bodies as untyped values on purpose:
    // the assertions are the type check there.
    files: ['**/*.test.ts', '**/*.test-support.ts', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement async interfaces with synchronous bodies.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...importBoundaries,
  {
    files: ['src/cli/**', 'src/sandbox/**', 'scripts/**', 'test/**', 'bin/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
