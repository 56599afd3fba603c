/**
 * A client nobody here wrote: the official JS SDK (@databricks/sdk-experimental 0.17.0) drives the
 * emulator over HTTP through its own waiters, pagination and statement execution. If the emulator
 * answered differently from Databricks in a way that SDK relies on, these fail.
 *
 * Kept out of the root package (the SDK declares Node >= 22 and is a preview): install it with
 * `npm ci --prefix test/official-sdk`, then `npm run test:official-sdk` (node:test, loaded through tsx
 * so that the emulator is the repo's own source).
 *
 * The one shim: the SDK keeps only the scheme, host and port of `host` (`fixHost()`,
 * dist/config/Config.js) and sets `url.pathname = path` (dist/api-client.js), so the gateway's API
 * suffix (`/dbw-01`) is put back in front of every path. Auth is the SDK's own custom-credentials
 * hook, sending the APIM subscription key.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createDatabricksMock,
  defaultSeed,
  startMockGateway,
  TEST_SUBSCRIPTION_KEY,
} from "../../src/testing/index.ts";

const sdk = await import("@databricks/sdk-experimental").catch((error) => {
  throw new Error(
    "The official SDK is not installed here: run `npm ci --prefix test/official-sdk` first " +
      "(it is kept out of the root package's dependencies).",
    { cause: error },
  );
});
const WorkspaceClient = sdk.WorkspaceClient ?? sdk.default?.WorkspaceClient;
const mock = createDatabricksMock({
  seed: {
    jobs: [
      {
        job_id: 7,
        settings: {
          name: "report",
          tasks: [{ task_key: "build", notebook_task: { notebook_path: "/Shared/report" } }],
        },
      },
      ...[8, 9, 10].map((job_id) => ({ job_id, settings: { name: `job-${job_id}` } })),
    ],
  },
});
const WAREHOUSE = defaultSeed.warehouses[0].id;
let server;
let w;

before(async () => {
  server = await startMockGateway(mock);
  w = new WorkspaceClient({
    host: server.url,
    credentials: {
      name: "apim-subscription-key",
      configure: async () => async (headers) =>
        headers.set("Ocp-Apim-Subscription-Key", TEST_SUBSCRIPTION_KEY),
    },
  });
  // The path-prefix shim (see the module comment); nothing else of the SDK is changed.
  const request = w.apiClient.request.bind(w.apiClient);
  w.apiClient.request = (options, context) =>
    request({ ...options, path: `/${mock.apiSuffix}${options.path}` }, context);
});

after(async () => {
  await server?.close();
});

describe("@databricks/sdk-experimental against the emulator", () => {
  it("creates a cluster and waits for RUNNING with the SDK's own waiter", async () => {
    const waiter = await w.clusters.create({
      cluster_name: "official-sdk",
      spark_version: "15.4.x-scala2.12",
      node_type_id: "Standard_DS3_v2",
      num_workers: 1,
    });
    const seen = [];
    const cluster = await waiter.wait({ timeout: undefined, onProgress: async (c) => seen.push(c.state) });
    assert.equal(cluster.state, "RUNNING");
    assert.equal(mock.workspace.clusters.get(cluster.cluster_id)?.state, "RUNNING");
    assert.ok(seen.includes("PENDING"), `progress saw ${seen.join(",")}`);
  });

  it("runs a job now and waits until TERMINATED, reading status like the SDK does", async () => {
    const waiter = await w.jobs.runNow({ job_id: 7 });
    const run = await waiter.wait({});
    assert.equal(run.state?.life_cycle_state, "TERMINATED");
    assert.equal(run.state?.result_state, "SUCCESS");
    assert.equal(run.status?.termination_details?.code, "SUCCESS");
    assert.deepEqual(
      run.tasks?.map((t) => t.task_key),
      ["build"],
    );
  });

  it("pages jobs/list with its own token loop", async () => {
    const ids = [];
    for await (const job of w.jobs.list({ limit: 2 })) ids.push(job.job_id);
    assert.deepEqual(
      ids.sort((a, b) => a - b),
      [7, 8, 9, 10],
    );
  });

  // Not exercised: the SDK's SCIM lists (`w.usersV2.list`) repeat the same request until a page is
  // empty and never advance `startIndex` (dist/apis/iam/api.js), so against any non-empty workspace
  // they never end; that is the SDK's bug, not something the emulator can answer around.
  it("pages clusters/list by page_token and lists Unity Catalog catalogs", async () => {
    await w.clusters.create({
      cluster_name: "second",
      spark_version: "15.4.x-scala2.12",
      instance_pool_id: "p",
    });
    const clusters = [];
    for await (const c of w.clusters.list({ page_size: 1 })) clusters.push(c.cluster_name);
    assert.deepEqual(clusters.sort(), ["official-sdk", "second"]);
    const catalogs = [];
    for await (const c of w.catalogs.list({})) catalogs.push(c.name);
    assert.deepEqual(catalogs.sort(), defaultSeed.catalogs.map((c) => c.name).sort());
  });

  it("executes a statement: a short one answers in the POST, an async one through getStatement", async () => {
    const quick = await w.statementExecution.executeStatement({
      warehouse_id: WAREHOUSE,
      statement: "SELECT id FROM range(3)",
      wait_timeout: "10s",
    });
    assert.equal(quick.status?.state, "SUCCEEDED");
    assert.deepEqual(quick.result?.data_array, [["0"], ["1"], ["2"]]);

    const pending = await w.statementExecution.executeStatement({
      warehouse_id: WAREHOUSE,
      statement: "SELECT :n AS n",
      parameters: [{ name: "n", value: "42", type: "INT" }],
      wait_timeout: "0s",
    });
    assert.equal(pending.status?.state, "PENDING");
    let state = pending.status?.state;
    let answer = pending;
    for (let polls = 0; state !== "SUCCEEDED" && polls < 10; polls++) {
      answer = await w.statementExecution.getStatement({ statement_id: pending.statement_id });
      state = answer.status?.state;
    }
    assert.deepEqual(answer.result?.data_array, [["42"]]);
  });

  it("surfaces the emulator's Databricks error bodies as the SDK's ApiError", async () => {
    await assert.rejects(
      w.clusters.get({ cluster_id: "nope" }),
      (error) => error.errorCode === "INVALID_PARAMETER_VALUE" && /does not exist/.test(error.message),
    );
  });
});
