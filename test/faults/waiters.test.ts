/**
 * Waiters over real HTTP: a cluster that fails while starting, a wait that runs out of time while a
 * poll hangs, transient gateway errors between polls, and a statement cancelled on abort.
 */
import { describe, expect, it } from "vitest";
import {
  executeStatement,
  OperationFailedError,
  WaitTimeoutError,
  waitForCluster,
  waitForRun,
} from "../../src/waiters/index.js";
import { hang, json } from "./fault-server.js";
import {
  activeTimers,
  clientFor,
  expectNoSecrets,
  expectNothingLeftBehind,
  failure,
  useFaultServer,
} from "./setup.js";

const faults = useFaultServer();
const GET_CLUSTER = "GET /api/2.1/clusters/get";
const FAST = { interval: { initial: 5, max: 20 } };

describe("waiters over HTTP", () => {
  it("stops at a failure state with OperationFailedError carrying the state and its message", async () => {
    const { server } = faults;
    server.on(
      GET_CLUSTER,
      json(200, { cluster_id: "c-1", state: "PENDING" }),
      json(200, { cluster_id: "c-1", state: "ERROR", state_message: "Cloud provider quota exceeded" }),
    );
    const before = activeTimers();
    const { error, elapsed } = await failure(() => waitForCluster(clientFor(server), "c-1", FAST));
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error).toMatchObject({
      state: "ERROR",
      stateMessage: "Cloud provider quota exceeded",
      resourceId: "c-1",
    });
    expect(server.count(GET_CLUSTER)).toBe(2);
    expect(server.seen[0]!.query).toBe("?cluster_id=c-1");
    expect(elapsed).toBeLessThan(5_000);
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("rides out a 503 and a 429 between polls (the transport retries them)", async () => {
    const { server } = faults;
    server.on(
      GET_CLUSTER,
      json(200, { state: "PENDING" }),
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { "retry-after": "0" }),
      json(
        429,
        { statusCode: 429, message: "Rate limit is exceeded. Try again in 0 seconds." },
        { "retry-after": "0" },
      ),
      json(200, { state: "RUNNING" }),
    );
    expect((await waitForCluster(clientFor(server), "c-1", FAST)).state).toBe("RUNNING");
    expect(server.count(GET_CLUSTER)).toBe(4);
  });

  it("times out with WaitTimeoutError (last state kept) even while a poll hangs, and hangs up", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, json(200, { state: "PENDING", state_message: "Starting Spark" }), hang());
    const before = activeTimers();
    const { error, elapsed } = await failure(() =>
      waitForCluster(clientFor(server), "c-1", { ...FAST, timeout: 300 }),
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ state: "PENDING", stateMessage: "Starting Spark", timeout: 300 });
    expect(elapsed).toBeLessThan(5_000);
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("returns a failed run by default and throws for it with requireSuccess", async () => {
    const { server } = faults;
    const terminated = {
      run_id: 5,
      state: { life_cycle_state: "TERMINATED", result_state: "FAILED", state_message: "boom" },
    };
    server.on(
      "GET /api/2.2/jobs/runs/get",
      json(200, { run_id: 5, state: { life_cycle_state: "RUNNING" } }),
      json(200, terminated),
    );
    const client = clientFor(server);
    expect((await waitForRun(client, 5, FAST)).state?.result_state).toBe("FAILED");
    await expect(waitForRun(client, 5, { ...FAST, requireSuccess: true })).rejects.toMatchObject({
      state: "FAILED",
      stateMessage: "boom",
    });
  });

  it("cancels a statement on the server when the caller aborts", async () => {
    const { server } = faults;
    server.on(
      "POST /api/2.0/sql/statements",
      json(200, { statement_id: "st-7", status: { state: "PENDING" } }),
    );
    server.on(
      "GET /api/2.0/sql/statements/st-7",
      json(200, { statement_id: "st-7", status: { state: "RUNNING" } }),
    );
    server.on("POST /api/2.0/sql/statements/st-7/cancel", json(200, {}));
    const controller = new AbortController();
    const before = activeTimers();
    const pending = executeStatement(
      clientFor(server),
      { warehouse_id: "wh-1", statement: "SELECT 1" },
      {
        ...FAST,
        signal: controller.signal,
        onProgress: (_s, progress) => progress.attempt === 2 && controller.abort(),
      },
    );
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(server.count("POST /api/2.0/sql/statements/st-7/cancel")).toBe(1);
    await expectNothingLeftBehind(server, before);
  });
});
