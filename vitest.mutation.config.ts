import { defineConfig } from "vitest/config";

// Lean config for `npm run test:mutation` (StrykerJS re-runs the covering tests once per mutant): unit
// tests only. Package, docs, spec, emulator and socket fault suites stay in `npm test`.
// MUTATION_TESTS=test/a.test.ts,test/b.test.ts narrows it further for a scoped run. (Stryker's own
// --testFiles leaves module-level mutants inactive and reports them as survivors: stryker-js#6144.)
const scoped = process.env.MUTATION_TESTS?.split(",").filter(Boolean);

export default defineConfig({
  test: {
    include: scoped?.length
      ? scoped
      : [
          "test/{attempt,attempt-response,auth,buffered-response,call,call-checks,client,client-calls,client-create,cutoff}.test.ts",
          "test/{errors,failures,idempotency,inner-pages,node-send,node-send-body,node-send-request,node-send-stream,outgoing}.test.ts",
          "test/{page-guard,paginate,query,redact,response-errors,retry-decision,retry-timing,sleep,transport,unwrap}.test.ts",
          // Beside the request path: config, waiters, statements, not-found mapping, the CLI.
          "test/{config,config-checks,waiters,waiters-poll,waiters-states,waiters-errors,statements,not-found-overrides}.test.ts",
          "test/cli/{doctor,doctor-command,doctor-spec,doctor-input,probe,safe-output,mock-gateway,main}.test.ts",
        ],
    // Cheap and keeps the guard that no real Azure credential is ever constructed in a test.
    setupFiles: ["test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
