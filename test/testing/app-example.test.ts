/**
 * The README's example of an app's own test, kept runnable: an app function that starts a job and
 * reports its outcome, tested against the kit exactly as an app would (only the import paths differ:
 * an app imports "databricks-apim" and "databricks-apim/testing").
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createDatabricksClient, type DatabricksClient, unwrap } from "../../src/index.js";
import {
  createDatabricksHttp,
  createDatabricksMock,
  databricksError,
  TEST_SUBSCRIPTION_KEY,
} from "../../src/testing/index.js";
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
  timing: { pollsPerStep: 0 }, // runs finish before the first poll: the waiter never pauses
});
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  mock.reset();
});
afterAll(() => server.close());

const client = createDatabricksClient({ apimUrl: mock.apimUrl, subscriptionKey: TEST_SUBSCRIPTION_KEY });

it("reports a successful run", async () => {
  await expect(runNightlyReport(client, 42)).resolves.toBe("report 5001 done");
  expect(mock.workspace.jobs.runs(42)).toHaveLength(1);
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
  await expect(
    runNightlyReport(
      createDatabricksClient({
        apimUrl: mock.apimUrl,
        subscriptionKey: TEST_SUBSCRIPTION_KEY,
        maxRetries: 0,
      }),
      42,
    ),
  ).rejects.toMatchObject({
    name: "RequestLimitExceeded",
    status: 429,
  });
});
