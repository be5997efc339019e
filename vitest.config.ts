import { defineConfig } from 'vitest/config';

// One runner for every package. Integration and browser tests share real
// PostgreSQL, Redis, a mediasoup worker and Chromium, so files run one at a
// time per project on this 2-core machine (fileParallelism off).
export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: [
      { extends: true, test: { name: 'shared', include: ['shared/test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'types',
          include: ['shared/test/**/*.test-d.ts'],
          typecheck: { enabled: true, only: true, include: ['shared/test/**/*.test-d.ts'] },
        },
      },
      { extends: true, test: { name: 'api', include: ['api/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'media', include: ['media-server/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'quality', include: ['test/quality/**/*.test.ts'] } },
      'web/vitest.config.ts',
      'load-tests/vitest.config.ts',
    ],
  },
});
