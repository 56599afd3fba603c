/**
 * What each waiter (src/waiters/resources.ts) reads from its resource: the state, the message and
 * error code that explain a failure, when the fields that hold them are missing, and the operation
 * named in its errors. Sources:
 * - clusters: databricks-sdk-go service/compute/api.go `WaitGetClusterRunning` (message: the
 *   cluster's `StateMessage`); `termination_reason.code` is ClusterDetails' TerminationReason;
 * - runs: service/jobs/api.go `WaitGetRunJobTerminatedOrSkipped` (message: `State.StateMessage`);
 *   RunStatus `termination_details` {code, message} is the newer place for the same explanation;
 * - warehouses: service/sql/api.go `WaitGetWarehouseRunning` (failure STOPPED/DELETED, message:
 *   `Health.Summary`, read only when `Health` is set; EndpointHealth.message is its deprecated form).
 */
import { describe, expect, it } from "vitest";
import { waitForCluster, waitForRun, waitForWarehouse } from "../src/waiters/index.js";
import { type Reply, scriptedClient } from "./scripted-client.js";

const FAST = { interval: { initial: 1, max: 2 } };
const RUN_TAIL =
  "(GET /api/2.2/jobs/runs/get). The run page (run_page_url) and jobs/runs/get-output have the details.";
const WAREHOUSE_TAIL =
  "(GET /api/2.0/sql/warehouses/{id}). The warehouse's monitoring page in the workspace has the details.";

const scripted = (...script: Reply[]) => scriptedClient("sk-states-0123456789abcdef", ...script);

const failure = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

describe("waitForCluster", () => {
  it("fails on ERROR without a termination reason or a message", async () => {
    const error = await failure(waitForCluster(scripted({ state: "ERROR" }).client, "c-1", FAST));
    expect(error).toMatchObject({ name: "OperationFailedError", state: "ERROR", errorCode: undefined });
    expect((error as Error).message).toBe(
      "Cluster c-1 ended in ERROR while waiting for RUNNING (GET /api/2.1/clusters/get). " +
        "The cluster's event log (POST /api/2.1/clusters/events) has the details.",
    );
  });
});

describe("waitForRun", () => {
  it("keeps polling a run whose answer has no state yet", async () => {
    const { client, sent } = scripted(
      { run_id: 42 },
      { run_id: 42, state: { life_cycle_state: "TERMINATED" } },
    );
    expect((await waitForRun(client, 42, FAST)).state?.life_cycle_state).toBe("TERMINATED");
    expect(sent).toHaveLength(2);
  });

  it("times out on a run that never shows a state, saying so", async () => {
    const error = await failure(
      waitForRun(scripted({ run_id: 42 }).client, 42, { timeout: 30, interval: { initial: 5, max: 5 } }),
    );
    expect(error).toMatchObject({ name: "WaitTimeoutError", state: undefined, stateMessage: undefined });
    expect((error as Error).message).toBe(
      "Timed out after 30 ms waiting for run 42 to reach TERMINATED/SKIPPED; no state was read " +
        "(GET /api/2.2/jobs/runs/get). Raise the waiter's timeout, or check the run in the workspace.",
    );
  });

  it("explains INTERNAL_ERROR with the status's termination details when the state has no message", async () => {
    const { client } = scripted({
      run_id: 42,
      state: { life_cycle_state: "INTERNAL_ERROR", state_message: "" },
      status: { state: "TERMINATED", termination_details: { code: "DRIVER_ERROR", message: "Driver lost" } },
    });
    const error = await failure(waitForRun(client, 42, FAST));
    expect(error).toMatchObject({
      resource: "run",
      resourceId: "42",
      method: "GET",
      path: "/api/2.2/jobs/runs/get",
      state: "INTERNAL_ERROR",
      stateMessage: "Driver lost",
      errorCode: "DRIVER_ERROR",
    });
    expect((error as Error).message).toBe(
      `Run 42 ended in INTERNAL_ERROR while waiting for TERMINATED/SKIPPED: Driver lost ${RUN_TAIL}`,
    );
  });

  it("fails on INTERNAL_ERROR with neither a message nor termination details", async () => {
    const { client } = scripted({
      run_id: 42,
      state: { life_cycle_state: "INTERNAL_ERROR" },
      status: { state: "TERMINATED" },
    });
    const error = await failure(waitForRun(client, 42, FAST));
    expect(error).toMatchObject({ state: "INTERNAL_ERROR", stateMessage: undefined, errorCode: undefined });
    expect((error as Error).message).toBe(
      `Run 42 ended in INTERNAL_ERROR while waiting for TERMINATED/SKIPPED ${RUN_TAIL}`,
    );
  });

  it("words a non-SUCCESS result under requireSuccess as a failure of runs/get", async () => {
    const { client } = scripted({
      run_id: 42,
      state: { life_cycle_state: "TERMINATED", result_state: "TIMEDOUT", state_message: "Run timed out" },
      status: { termination_details: { code: "RUN_EXECUTION_ERROR" } },
    });
    const error = await failure(waitForRun(client, 42, { ...FAST, requireSuccess: true }));
    expect(error).toMatchObject({
      method: "GET",
      path: "/api/2.2/jobs/runs/get",
      state: "TIMEDOUT",
      errorCode: "RUN_EXECUTION_ERROR",
    });
    expect((error as Error).message).toBe(
      `Run 42 ended in TIMEDOUT while waiting for SUCCESS: Run timed out ${RUN_TAIL}`,
    );
  });

  // databricks-sdk-go service/jobs/ext_api.go `GetRun` fetches the further pages with the same context.
  it("stops fetching the run's further pages when the caller aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gone");
    const { client, sent } = scripted(
      {
        run_id: 42,
        state: { life_cycle_state: "TERMINATED" },
        tasks: [{ task_key: "a" }],
        next_page_token: "p2",
      },
      () => {
        controller.abort(reason);
        return Response.json({ run_id: 42, tasks: [{ task_key: "b" }] });
      },
    );
    await expect(waitForRun(client, 42, { ...FAST, signal: controller.signal })).rejects.toBe(reason);
    expect(sent).toHaveLength(2);
  });
});

describe("waitForWarehouse", () => {
  it("names the warehouse operation and its hint, with the health summary", async () => {
    const { client } = scripted({
      state: "DELETED",
      health: { summary: "Deleted by admin", details: "x", failure_reason: { code: "CLOUD_FAILURE" } },
    });
    const error = await failure(waitForWarehouse(client, "wh-1", FAST));
    expect(error).toMatchObject({
      resource: "warehouse",
      resourceId: "wh-1",
      method: "GET",
      path: "/api/2.0/sql/warehouses/{id}",
      errorCode: "CLOUD_FAILURE",
    });
    expect((error as Error).message).toBe(
      `Warehouse wh-1 ended in DELETED while waiting for RUNNING: Deleted by admin ${WAREHOUSE_TAIL}`,
    );
  });

  it("fails on STOPPED without any health", async () => {
    const error = await failure(waitForWarehouse(scripted({ state: "STOPPED" }).client, "wh-1", FAST));
    expect(error).toMatchObject({ state: "STOPPED", stateMessage: undefined, errorCode: undefined });
    expect((error as Error).message).toBe(
      `Warehouse wh-1 ended in STOPPED while waiting for RUNNING ${WAREHOUSE_TAIL}`,
    );
  });

  it("falls back to the deprecated health message, without a failure reason", async () => {
    const { client } = scripted({ state: "STOPPED", health: { message: "Stopped by auto-stop" } });
    await expect(failure(waitForWarehouse(client, "wh-1", FAST))).resolves.toMatchObject({
      state: "STOPPED",
      stateMessage: "Stopped by auto-stop",
      errorCode: undefined,
    });
  });
});
