// Lint with type information. Layering is enforced here (STYLE.md #12):
// http/ and realtime/ call services/, services call repositories/, and only
// repositories (plus the composition root and scripts) touch Prisma or Redis.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const dbPackages = ['**/generated/prisma/**', '@prisma/*', 'pg', 'redis', '@electric-sql/pglite', 'pglite-prisma-adapter'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'api/src/generated/**',
      'data/**',
      '.cache/**',
      'web/**/*.svelte',
      'load-tests/results/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
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
