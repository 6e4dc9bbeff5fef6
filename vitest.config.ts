import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Builds write temp folders and spawn processes; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
});
