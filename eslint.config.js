import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports point toward the pipeline (STYLE.md): the readers, the mapping, the HTTP client and the
 * renderers import neither each other nor the CLI, and only the CLI imports the CLI. Imports here
 * are relative (`../klaviyo/x.js`) and the folders under src/ are flat, so a specifier names the
 * folder it reaches. (Dynamic `import()` is not checked; the code base has none.)
 */
const ISOLATED_FOLDERS = ['source', 'mapping', 'klaviyo', 'report'];

/** A `no-restricted-imports` setting that refuses any relative import reaching one of `folders` under src/. */
function forbidImports(folders, message) {
  return ['error', { patterns: [{ regex: `^(?:\\.{1,2}/)+(?:src/)?(?:${folders.join('|')})(?:/|$)`, message }] }];
}

function sentenceList(items) {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} nor ${items.at(-1)}`;
}

/** Proven by scripts/import-boundaries.test.ts, which reads the composed config. */
const importBoundaries = [
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-restricted-imports': forbidImports(['cli'], 'Only src/cli imports src/cli: it is the process boundary (STYLE.md).') },
  },
  ...ISOLATED_FOLDERS.map((folder) => {
    const others = [...ISOLATED_FOLDERS.filter((other) => other !== folder), 'cli'];
    const message = `src/${folder} imports neither ${sentenceList(others.map((other) => `src/${other}`))}: imports point toward the pipeline (STYLE.md).`;
    return { files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': forbidImports(others, message) } };
  }),
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
