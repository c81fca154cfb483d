// ESLint for the JavaScript we write: the package (web/), the demo, tests, benchmarks and
// scripts. Generated and third-party code is ignored.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'tests/e2e/fixtures/**', '**/.cache/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      // The package and the demo run in browsers and Node; tests and scripts in Node.
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
];
