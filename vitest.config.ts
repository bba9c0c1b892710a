import { defineConfig } from 'vitest/config';

// One suite for the whole repository: every test lives in a `test/` folder that mirrors its `src/`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'platform/test/**/*.test.ts', 'services/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration suites start real servers, so keep files from starving each other.
    maxWorkers: 2,
    pool: 'forks',
  },
});
