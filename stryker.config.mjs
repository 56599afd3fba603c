// StrykerJS mutation testing: `npm run test:mutation` (whole scope) or
// `npm run test:mutation -- --mutate src/retry-decision.ts` (one file). Not part of `npm test`:
// see test/mutation-results.md for scores and runtime on this project.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  mutate: ["src/**/*.ts", "!src/generated/**", "!src/testing/**"],
  // Build and report outputs are not needed in the sandbox copy.
  ignorePatterns: ["dist", ".pack", "site", "site-screenshots", "coverage", "reports", "bench/out"],
  coverageAnalysis: "perTest",
  // The machine is shared; raise it locally with `-- --concurrency 4`.
  concurrency: 1,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // A mutant that hangs (a timer never fired, a loop never ending) costs this on top of the tests.
  timeoutMS: 5_000,
  thresholds: { high: 90, low: 80, break: null },
};
