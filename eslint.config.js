// Lint with type information. Layering is enforced here (STYLE.md #12):
// http/ and realtime/ call services/, services call repositories/, and only
// repositories (plus the composition root and scripts) touch Prisma or Redis.
// Svelte components are linted too: eslint-plugin-svelte's recommended rules for
// the markup, and the same typed TypeScript rules for their <script> blocks.
import eslint from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';
import svelteConfig from './web/svelte.config.js';

const dbPackages = ['**/generated/prisma/**', '@prisma/*', 'pg', 'redis', '@electric-sql/pglite', 'pglite-prisma-adapter'];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'api/src/generated/**', 'data/**', '.cache/**', 'load-tests/results/**'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ['**/*.ts', '**/*.svelte'] })),
  // After typescript-eslint's configs: svelte-eslint-parser takes over *.svelte and
  // *.svelte.ts and hands the script blocks to typescript-eslint's parser (below).
  ...svelte.configs.recommended,
  {
    files: ['**/*.ts', '**/*.svelte'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.svelte'],
        svelteConfig,
      },
    },
  },
  {
    // Svelte's own prefer-const: the same rule, except that it leaves `let { … } = $props()`
    // and `$derived` alone (Svelte's documented form; props may be reassigned locally).
    files: ['**/*.svelte'],
    rules: { 'prefer-const': 'off', 'svelte/prefer-const': 'error' },
  },
  {
    files: ['api/src/http/**', 'api/src/realtime/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: dbPackages, message: 'http/ and realtime/ call services; only repositories touch Prisma or Redis.' },
            { group: ['**/repositories/**'], allowTypeImports: true, message: 'http/ and realtime/ go through services/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['api/src/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: dbPackages, allowTypeImports: false, message: 'services call repositories; only repositories touch Prisma or Redis.' },
            {
              group: ['**/http/**', '**/realtime/**', 'express', 'socket.io'],
              message: 'services never import the http or realtime layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'http', 'pg', 'redis', '@prisma/*', 'express', 'socket.io'],
              message: 'shared/ is contracts only: no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // Scripts and tests may print and use test-only conveniences.
    files: ['scripts/**', '**/scripts/**', '**/test/**', 'test/**', 'load-tests/**'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
