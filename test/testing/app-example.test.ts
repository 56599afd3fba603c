/**
 * The README's example of an app's own test, kept runnable: an app function that starts a job and
 * reports its outcome (README: report.ts), tested against the kit exactly as an app would (README:
 * report.test.ts; only the import paths differ). The README's code also compiles in the package test.
 */
import { readFileSync } from "node:fs";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type DatabricksClient, unwrap } from "../../src/index.js";
import { createDatabricksHttp, createDatabricksMock, databricksError } from "../../src/testing/index.js";
import { isOperationFailedError, waitForRun } from "../../src/waiters/index.js";

// --- the app's code --------------------------------------------------------------------------
async function runNightlyReport(client: DatabricksClient, jobId: number): Promise<string> {
  const { run_id } = await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: jobId } }));
  try {
    const run = await waitForRun(client, run_id ?? 0, { requireSuccess: true });
    return `report ${run.run_id} done`;
  } catch (error) {
    if (isOperationFailedError(error)) return `report failed: ${error.stateMessage ?? error.state}`;
    throw error;
  }
}

// --- the app's test --------------------------------------------------------------------------
const mock = createDatabricksMock({
  seed: { jobs: [{ job_id: 42, settings: { name: "nightly-report", tasks: [{ task_key: "main" }] } }] },
  timing: { pollsPerStep: 0 }, // runs finish before the first poll, so the waiter never pauses
});
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  mock.reset(); // back to the seed
});
afterAll(() => server.close());

// A client for the mock: its URL and key, and no retries, so a 429 fails at once instead of after backoff.
const client = mock.client();

it("reports a successful run", async () => {
  // Run ids start at 5001 in a fresh mock, and again after mock.reset().
  await expect(runNightlyReport(client, 42)).resolves.toBe("report 5001 done");
});

it("reports a failed run with Databricks' message", async () => {
  mock.workspace.jobs.failNextRun({ resultState: "FAILED", message: "Table not found: sales" });
  await expect(runNightlyReport(client, 42)).resolves.toBe("report failed: Table not found: sales");
});

it("lets a test replace one operation, typed by the spec", async () => {
  const http = createDatabricksHttp({ baseUrl: mock.baseUrl });
  server.use(
    http.post("/api/2.2/jobs/run-now", () => databricksError(429, "REQUEST_LIMIT_EXCEEDED", "Too many runs")),
  );
  await expect(runNightlyReport(client, 42)).rejects.toMatchObject({
    name: "RequestLimitExceeded",
    status: 429,
  });
  expect(mock.workspace.jobs.runs(42)).toHaveLength(0); // the refused run-now started nothing
});

it("is the README's example, word for word (imports aside)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const here = readFileSync(new URL(import.meta.url), "utf8");
  const block = (name: string) => {
    const code = new RegExp(`^\`\`\`ts\\n// ${name.replace(".", "\\.")}\\n([\\s\\S]*?)^\`\`\`$`, "m").exec(
      readme,
    )?.[1];
    expect(code, `README has a ${name} block`).toBeDefined();
    return (code ?? "").replace(/^import .*\n/gm, "").trim();
  };
  expect(here).toContain(block("report.ts").replace("export async function", "async function"));
  expect(here).toContain(block("report.test.ts"));
});
