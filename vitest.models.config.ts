import { defineConfig } from 'vitest/config';

// Real models on real documents. Slower, so kept apart, but CI runs it on small data.
export default defineConfig({
  test: {
    include: ['test/**/*.models.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
