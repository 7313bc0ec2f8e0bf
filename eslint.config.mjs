// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, React's rules of hooks,
// and the layering rules of the house. `npm run lint` runs it with the import-cycle check (madge).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['.next/**', '.data/**', 'node_modules/**', 'coverage/**', 'drizzle/**', 'docs/**', 'next-env.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      // Control characters in regular expressions are deliberate here: text is checked for, or cleaned of,
      // what XML and the database refuse.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.tsx', 'lib/site/ui/**', 'lib/admin/ui/**', 'lib/widget/widget.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Settings come from lib/config.ts (validated, with a clear error for a bad value), never from process.env.
  {
    files: ['lib/**', 'pages/**', 'middleware.ts'],
    ignores: ['lib/config.ts', 'lib/test/**', '**/*.test.ts', 'lib/isr/cache-handler.cjs', 'lib/http/vercel.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read settings through lib/config.ts (config(), nodeEnv()).' },
      ],
    },
  },
  // Layers point one way.
  {
    files: ['lib/db/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^\.\./(?!(config|log|events/bus|markdown)$|domain/)`,
              message:
                'lib/db is the bottom layer: it imports only config, log, the event bus, domain values and the markdown renderer (the app registers with it: see onServerDatabaseOpen).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/auth/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../admin', '../admin/*'], message: 'REST authentication must not depend on the admin console.' }] }] },
  },
  {
    files: ['lib/*/repo.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../http', '../http/*'], message: 'Repositories throw domain errors (lib/domain); lib/http turns them into HTTP.' }] },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'next.config.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
