import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// The web's own test project. The svelte plugin compiles runes in *.svelte.ts,
// and the 'browser' condition picks Svelte's client runtime (the one the app
// ships) instead of its server build.
export default defineConfig({
  // web/ as root, so svelte.config.js is found when run from the repository root.
  root: import.meta.dirname,
  plugins: [svelte()],
  resolve: { conditions: ['browser'] },
  test: {
    name: 'web',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
