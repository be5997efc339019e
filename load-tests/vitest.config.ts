import { defineConfig } from 'vitest/config';

// The load-tests' own test project (like web/vitest.config.ts): the bench
// smoke test needs a mediasoup worker but no database, so it skips the root
// config's PostgreSQL global set-up. Run alone with
// `npx vitest run --config load-tests/vitest.config.ts`.
export default defineConfig({
  root: import.meta.dirname,
  test: {
    name: 'load',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
