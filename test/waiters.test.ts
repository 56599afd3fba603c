/**
 * Waiters against a scripted fake `fetch`: each poll gets the next answer of a script, so state
 * sequences, failure states, deadlines and aborts are checked with intervals of a few ms.
 */
import { describe, expect, it } from "vitest";
import { DatabricksTimeoutError, NotFound } from "../src/index.js";
import {
  isOperationFailedError,
  isWaitTimeoutError,
  OperationFailedError,
  WaitTimeoutError,
  waitForCluster,
  waitForRun,
  waitForWarehouse,
} from "../src/waiters/index.js";
import { type Reply, scriptedClient } from "./scripted-client.js";

const APIM = "https://apim.example.net";
const KEY = "sk-wait-0123456789abcdef";
const FAST = { interval: { initial: 1, max: 2 } };
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

const scripted = (...script: Reply[]) => scriptedClient(KEY, ...script);

const never = () => new Promise<Response>(() => undefined);

describe("waitForCluster", () => {
  it("polls clusters/get until RUNNING and reports progress", async () => {
    const { client, sent } = scripted(
      { state: "PENDING" },
      { state: "PENDING" },
      { cluster_id: "c-1", state: "RUNNING" },
    );
    const seen: Array<[string | undefined, number]> = [];
    const cluster = await waitForCluster(client, "c-1", {
      ...FAST,
      onProgress: (current, progress) => seen.push([current.state, progress.attempt]),
    });
    expect(cluster).toEqual({ cluster_id: "c-1", state: "RUNNING" });
    expect(seen).toEqual([
      ["PENDING", 1],
      ["PENDING", 2],
      ["RUNNING", 3],
    ]);
    expect(sent.map((request) => request.url)).toEqual(
      Array(3).fill(`${APIM}/dbw-01/api/2.1/clusters/get?cluster_id=c-1`),
    );
  });

  it("accepts zero pauses (an emulator that advances on every poll)", async () => {
    const { client } = scripted({ state: "PENDING" }, { state: "RUNNING" });
    expect((await waitForCluster(client, "c-1", { interval: { initial: 0, max: 0 } })).state).toBe("RUNNING");
  });

  it("keeps polling through states it does not know", async () => {
    const { client } = scripted({ state: "RESTARTING" }, { state: "SOMETHING_NEW" }, { state: "RUNNING" });
    expect((await waitForCluster(client, "c-1", FAST)).state).toBe("RUNNING");
  });

  it.each([
    ["RUNNING", "ERROR"],
    ["RUNNING", "TERMINATED"],
    ["TERMINATED", "ERROR"],
  ] as const)("waiting for %s stops early on %s with OperationFailedError", async (until, state) => {
    const { client, sent } = scripted(
      { state: "PENDING" },
      { state, state_message: "Init script failed", termination_reason: { code: "INIT_SCRIPT_FAILURE" } },
      { state: "RUNNING" },
    );
    const error = await waitForCluster(client, "c-1", { ...FAST, until }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error).toMatchObject({
      name: "OperationFailedError",
      resource: "cluster",
      resourceId: "c-1",
      state,
      stateMessage: "Init script failed",
      errorCode: "INIT_SCRIPT_FAILURE",
      method: "GET",
      path: "/api/2.1/clusters/get",
    });
    expect((error as Error).message).toBe(
      `Cluster c-1 ended in ${state} while waiting for ${until}: Init script failed (GET /api/2.1/clusters/get). ` +
        "The cluster's event log (POST /api/2.1/clusters/events) has the details.",
    );
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(error)).toContain('"state":');
  });

  it("waits for TERMINATED through TERMINATING", async () => {
    const { client } = scripted({ state: "TERMINATING" }, { state: "TERMINATED" });
    expect((await waitForCluster(client, "c-1", { ...FAST, until: "TERMINATED" })).state).toBe("TERMINATED");
  });

  it("gives up after timeout with WaitTimeoutError carrying the last state, and leaves no timer", async () => {
    const { client } = scripted({ state: "PENDING", state_message: "Waiting for nodes" });
    const before = timers();
    const started = Date.now();
    const error = await waitForCluster(client, "c-1", {
      timeout: 100,
      interval: { initial: 5, max: 10 },
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect(error).toMatchObject({
      state: "PENDING",
      stateMessage: "Waiting for nodes",
      timeout: 100,
      resourceId: "c-1",
    });
    expect((error as Error).message).toMatch(
      /^Timed out after 100 ms waiting for cluster c-1 to reach RUNNING; last state PENDING/,
    );
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("ends a poll in flight at the deadline", async () => {
    const { client } = scripted(never);
    const error = await waitForCluster(client, "c-1", { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ state: undefined });
    expect((error as Error).message).toMatch(/no state was read/);
  });

  it("rejects with the signal's reason when aborted between polls, leaving no timer", async () => {
    const { client, sent } = scripted({ state: "PENDING" });
    const controller = new AbortController();
    const before = timers();
    const reason = new Error("shutting down");
    const waiting = waitForCluster(client, "c-1", {
      interval: { initial: 60_000, max: 60_000 },
      signal: controller.signal,
      onProgress: () => setTimeout(() => controller.abort(reason), 10),
    });
    await expect(waiting).rejects.toBe(reason);
    expect(sent).toHaveLength(1);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("rejects with the signal's reason when aborted during a poll", async () => {
    const { client } = scripted(never);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(waitForCluster(client, "c-1", { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
  });

  it("passes a poll's HTTP error through, typed", async () => {
    const { client } = scripted(() =>
      Response.json(
        { error_code: "INVALID_PARAMETER_VALUE", message: "Cluster c-9 does not exist" },
        { status: 400 },
      ),
    );
    await expect(waitForCluster(client, "c-9", FAST)).rejects.toBeInstanceOf(NotFound);
  });

  it.each([
    { timeout: 0 },
    { timeout: Number.NaN },
    { interval: { initial: -1 } },
    { interval: { max: Number.POSITIVE_INFINITY } },
  ])("rejects a nonsensical option %j before polling", async (options) => {
    const { client, sent } = scripted({ state: "RUNNING" });
    await expect(waitForCluster(client, "c-1", options)).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
  });

  it("lets onProgress stop the wait by throwing", async () => {
    const { client } = scripted({ state: "PENDING" });
    const stop = new Error("enough");
    await expect(
      waitForCluster(client, "c-1", {
        ...FAST,
        onProgress: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
  });
});

describe("waitForRun", () => {
  const run = (life_cycle_state: string, extra: Record<string, unknown> = {}) => ({
    run_id: 42,
    state: { life_cycle_state, ...extra },
  });

  it("returns a run that terminated, whatever its result (like the official SDKs)", async () => {
    const { client, sent } = scripted(
      run("PENDING"),
      run("RUNNING"),
      run("TERMINATED", { result_state: "FAILED" }),
    );
    const result = await waitForRun(client, 42, FAST);
    expect(result.state?.result_state).toBe("FAILED");
    expect(new URL(sent[0]!.url).search).toBe("?run_id=42");
  });

  it("throws for a non-SUCCESS result with requireSuccess", async () => {
    const { client } = scripted(
      run("TERMINATED", { result_state: "FAILED", state_message: "Task t1 failed" }),
    );
    const error = await waitForRun(client, 42, { ...FAST, requireSuccess: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error).toMatchObject({
      resource: "run",
      resourceId: "42",
      state: "FAILED",
      stateMessage: "Task t1 failed",
    });
    expect((error as Error).message).toMatch(
      /^Run 42 ended in FAILED while waiting for SUCCESS: Task t1 failed/,
    );
  });

  it("accepts SUCCESS with requireSuccess, and treats SKIPPED as not a success", async () => {
    expect(
      (
        await waitForRun(scripted(run("TERMINATED", { result_state: "SUCCESS" })).client, 42, {
          requireSuccess: true,
        })
      ).run_id,
    ).toBe(42);
    expect((await waitForRun(scripted(run("SKIPPED")).client, 42)).state?.life_cycle_state).toBe("SKIPPED");
    await expect(
      waitForRun(scripted(run("SKIPPED")).client, 42, { requireSuccess: true }),
    ).rejects.toMatchObject({ state: "SKIPPED" });
  });

  it("fails on INTERNAL_ERROR", async () => {
    const { client } = scripted(run("QUEUED"), run("INTERNAL_ERROR", { state_message: "Driver lost" }));
    await expect(waitForRun(client, 42, FAST)).rejects.toMatchObject({
      name: "OperationFailedError",
      state: "INTERNAL_ERROR",
    });
  });

  // databricks-sdk-go service/jobs/ext_api.go `GetRun` and databricks-sdk-py mixins/jobs.py `get_run`:
  // a job run pages its tasks; the other paged arrays (job_clusters, …) continue on every page.
  it("merges a job run's tasks that continue on further pages of runs/get", async () => {
    const { client, sent } = scripted(
      {
        ...run("TERMINATED", { result_state: "SUCCESS" }),
        tasks: [{ task_key: "a" }],
        job_clusters: [{ job_cluster_key: "c1" }],
        next_page_token: "p2",
      },
      { run_id: 42, tasks: [{ task_key: "b" }], next_page_token: "p3" },
      { run_id: 42, tasks: [{ task_key: "c" }], job_clusters: [{ job_cluster_key: "c2" }] },
    );
    const result = await waitForRun(client, 42, FAST);
    expect(result.tasks?.map((task) => task.task_key)).toEqual(["a", "b", "c"]);
    expect(result.job_clusters?.map((c) => c.job_cluster_key)).toEqual(["c1", "c2"]);
    expect(result.next_page_token).toBeUndefined();
    expect(sent.map((request) => new URL(request.url).search)).toEqual([
      "?run_id=42",
      "?run_id=42&page_token=p2",
      "?run_id=42&page_token=p3",
    ]);
  });

  // Same sources: a ForEach task run pages its iterations and repeats its one task on every page,
  // so only `iterations` is merged (merging `tasks` too would repeat the ForEach task per page).
  it("merges only the iterations of a ForEach task run, never its repeated task", async () => {
    const forEach = { task_key: "loop", for_each_task: { inputs: "[1,2,3]", task: { task_key: "body" } } };
    const { client } = scripted(
      {
        ...run("TERMINATED", { result_state: "SUCCESS" }),
        tasks: [forEach],
        iterations: [{ task_key: "body", run_id: 1 }],
        next_page_token: "p2",
      },
      { run_id: 42, tasks: [forEach], iterations: [{ task_key: "body", run_id: 2 }], next_page_token: "p3" },
      { run_id: 42, tasks: [forEach], iterations: [{ task_key: "body", run_id: 3 }] },
    );
    const result = await waitForRun(client, 42, FAST);
    expect(result.tasks).toEqual([forEach]);
    expect(result.iterations?.map((iteration) => iteration.run_id)).toEqual([1, 2, 3]);
  });

  it("refuses a runs/get page token that repeats instead of looping", async () => {
    const { client } = scripted(
      { ...run("TERMINATED"), tasks: [{ task_key: "a" }], next_page_token: "same" },
      { run_id: 42, tasks: [{ task_key: "b" }], next_page_token: "same" },
    );
    await expect(waitForRun(client, 42, FAST)).rejects.toMatchObject({
      name: "PaginationError",
      reason: "repeated-page",
    });
  });
});

describe("waitForWarehouse", () => {
  it("polls sql/warehouses/{id} until RUNNING", async () => {
    const { client, sent } = scripted({ state: "STARTING" }, { id: "wh-1", state: "RUNNING" });
    expect((await waitForWarehouse(client, "wh-1", FAST)).state).toBe("RUNNING");
    expect(sent[0]!.url).toBe(`${APIM}/dbw-01/api/2.0/sql/warehouses/wh-1`);
  });

  it("fails when the warehouse stops while waiting for RUNNING, with its health summary", async () => {
    const { client } = scripted({
      state: "STOPPED",
      health: { summary: "Quota exhausted", failure_reason: { code: "INSUFFICIENT_CAPACITY" } },
    });
    await expect(waitForWarehouse(client, "wh-1", FAST)).rejects.toMatchObject({
      state: "STOPPED",
      stateMessage: "Quota exhausted",
      resource: "warehouse",
      errorCode: "INSUFFICIENT_CAPACITY",
    });
  });

  it("waits for STOPPED through STOPPING", async () => {
    const { client } = scripted({ state: "STOPPING" }, { state: "STOPPED" });
    expect((await waitForWarehouse(client, "wh-1", { ...FAST, until: "STOPPED" })).state).toBe("STOPPED");
  });
});

describe("type guards", () => {
  it("recognise waiter errors by name too (another copy of the package)", () => {
    const foreign = Object.assign(new Error("x"), {
      name: "WaitTimeoutError",
      method: "GET",
      path: "/",
      details: [],
    });
    expect(isWaitTimeoutError(foreign)).toBe(true);
    expect(isOperationFailedError(foreign)).toBe(false);
    expect(isOperationFailedError({ name: "OperationFailedError" })).toBe(false);
  });
});
