// ESLint for the JavaScript we write: the package (web/), the demo, the examples, tests,
// benchmarks and scripts. Generated and third-party code (and what the examples' bundlers write)
// is ignored.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: [
      'build/**', 'dist/**', 'node_modules/**', 'tests/e2e/fixtures/**', '**/.cache/**',
      'examples/*/dist/**', 'examples/*/assets/**', 'examples/*/.next/**', 'examples/*/.wrangler/**',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.jsx'],
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
  // The Next.js example's components.
  {
    files: ['examples/**/*.jsx'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
  },
  // A plain page's script: no modules, the package's global from basketlift.global.js.
  {
    files: ['examples/classic-script/app.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, basketlift: 'readonly' } },
  },
  // Bun's server.
  { files: ['examples/bun/**/*.js'], languageOptions: { globals: { Bun: 'readonly' } } },
];
