// ESLint for ATT&CK Lens: `npm run lint`, run by .ci/run before the tests.
// typescript-eslint's `recommended` set, syntax-only: the type-checked sets need TypeScript's JS
// compiler API for a whole program per run, and TypeScript 7 (our `tsc`) has none; the parser runs
// on the TypeScript 6 API package that `typescript` resolves to (package.json: `typescript` is
// @typescript/typescript6, `typescript-native` is TypeScript 7 and gives `npm run typecheck`).
// Formatting is Prettier's (`npm run format:check`): no formatting rules here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ONE_CONFIG = 'Read and write settings through Config (src/config.ts, lens.config); only src/configSource.ts calls getConfiguration or listens to onDidChangeConfiguration.';
const VIEWS_APART = 'Views and commands do not import each other: put what both need in src/state/ (or declare the shape the command needs) and wire them in extension.ts.';
const NO_VSCODE = 'Core and CLI code runs without VS Code: use `vscode` only in the editor, views, commands and workspace layers.';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', 'test-results/', 'test/fixtures/', 'examples/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // The code detects and strips control characters on purpose (binary-file detection,
      // quoting server and file text without them): every such pattern would need a disable.
      'no-control-regex': 'off',
      // Patterns match YAML indentation, which reads better as the spaces themselves than as ` {2}`.
      'no-regex-spaces': 'off',
      // A `_` prefix marks a parameter kept only to spell out a callback's signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/configSource.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name=/^(getConfiguration|onDidChangeConfiguration)$/]", message: ONE_CONFIG }],
    },
  },
  {
    files: ['src/views/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/*'], message: VIEWS_APART }] }] },
  },
  {
    files: ['src/commands/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/views/*'], message: VIEWS_APART }] }] },
  },
  {
    files: ['src/attack/**', 'src/core/**', 'src/rules/**', 'src/checks/**', 'src/coverage/**', 'src/node/**', 'src/cli/**', 'src/cli.ts'],
    rules: {
      // The core and the CLI that bundles it run in plain Node, where there is no `vscode` module:
      // no `import`, `export … from`, `import x = require()`, `require()` or `import()` of it.
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: NO_VSCODE }] }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name=/^(getConfiguration|onDidChangeConfiguration)$/]", message: ONE_CONFIG },
        { selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']", message: NO_VSCODE },
        { selector: "ImportExpression[source.value='vscode']", message: NO_VSCODE },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read raw STIX JSON and page globals, whose shape is the thing under test.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['test/host/**', 'test/bench/**'],
    rules: {
      // The test hosts and benches load optional tools (playwright-core, mocha inside the editor)
      // and built modules by path, only when a run needs them.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['esbuild.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: {
      // A plain CommonJS build script run by `node esbuild.js`.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['media/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
);
