import { defineConfig } from 'vitest/config';

// Fast suite: everything except the real-model checks, which have their own config.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.models.test.ts', 'node_modules/**'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
