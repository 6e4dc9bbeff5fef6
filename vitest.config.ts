import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One temp folder per run, removed at its end (tests/helpers/tempRoot.ts).
    globalSetup: ['tests/helpers/tempRoot.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Builds write temp folders and spawn processes; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
});
