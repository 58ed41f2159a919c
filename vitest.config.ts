import { defineConfig } from 'vitest/config';

/**
 * `npm run test:fast` (APICENSUS_TEST_FAST=1) leaves out the suites that spawn the CLI, kill
 * processes, start browsers or ingest generated logs of many MB: the edit loop's unit and parser
 * tests. `npm test` and CI run everything.
 */
const SLOW = [
  'test/cli.test.ts',
  'test/cli-sources.test.ts',
  'test/crash.test.ts',
  'test/concurrency.test.ts',
  'test/fast-path.test.ts',
  'test/html-browser.test.ts',
  'test/logrotate.test.ts',
  'test/nothing-lost.test.ts',
  'test/store-failures.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when stale and checks what the suite needs from the machine (test/machine.ts).
    globalSetup: ['test/global-setup.ts'],
    exclude: process.env.APICENSUS_TEST_FAST ? SLOW : [],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
