import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two tiers. `npm run test:unit` runs the `unit` project: everything that imports the sources in process,
 * for everyday work (under 20 s). `npm test` (what CI runs) runs both projects: `full` adds the suites that
 * need the built dist/ (built once by test/global-setup.ts before any test runs): the notebooks on the
 * tslab kernel, the site in Chromium, spawned commands, the README example and the public API as a user
 * imports it.
 * A new test file is a unit test unless it is listed here.
 */
const FULL_ONLY = [
  'test/notebooks.test.ts',
  'test/readme-example.test.ts',
  'test/api.test.ts',
  'test/cli-spawned.test.ts',
  'test/site.test.ts', // the site's browser scripts are bundled into dist/ by the build
  'test/site-browser.test.ts', // and driven in Chromium
  'test/assignment/workflow.test.ts', // spawns the autograder script
  'test/assignment/kernel.test.ts', // runs a released notebook on the tslab kernel
  'test/engine/threads-process.test.ts', // spawns Node to watch the helper thread from a whole process
  'test/quiz/qti-schema.test.ts', // runs xmllint (installed by setup, like Jupyter and Chromium) on 800 exported files
];

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/wasm-setup.ts'],
          exclude: [...configDefaults.exclude, ...FULL_ONLY],
          // The unit suites share no mutable process state (no module mocks, no chdir, no global stubs), so
          // a worker keeps one module graph across files: a third less CPU than re-importing per file. A
          // test that mocks modules or changes process state belongs in the full tier.
          isolate: false,
          // Every core: vitest's default of cores − 1 leaves a 2-core machine one worker (22 s here, 16 s with
          // two). The unit suites are CPU-bound and share nothing, so two workers do not disturb each other.
          maxWorkers: Math.max(1, availableParallelism()),
          // Projects with their own worker counts run as groups: the unit tier first, then the full tier.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'full',
          sequence: { groupOrder: 1 },
          include: FULL_ONLY,
          globalSetup: ['test/global-setup.ts'],
          // The notebook suite drives Jupyter; give its setup room.
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
