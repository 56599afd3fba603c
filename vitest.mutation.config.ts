import { defineConfig } from "vitest/config";

// Lean config for `npm run test:mutation` (StrykerJS re-runs the covering tests once per mutant): the
// request-path unit tests only. Package, docs, spec, emulator and socket fault suites stay in `npm test`.
export default defineConfig({
  test: {
    include: [
      "test/{attempt,auth,buffered-response,call-checks,client,errors,failures,idempotency}.test.ts",
      "test/{page-guard,paginate,query,redact,retry-decision,retry-timing,sleep,transport}.test.ts",
    ],
    // Cheap and keeps the guard that no real Azure credential is ever constructed in a test.
    setupFiles: ["test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
