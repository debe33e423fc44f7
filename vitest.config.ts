import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // The notebook suite drives Jupyter; give it room, the unit tests are fast anyway.
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});
