/**
 * The poll loop (src/waiters/poll.ts) as a caller sees it through `waitForCluster`/`waitForRun`: the
 * whole text of its errors, what `onProgress` is told, and that the caller's signal is left as it
 * was found. States and messages follow databricks-sdk-go's wait functions:
 * service/compute/api.go `WaitGetClusterRunning` (target RUNNING, failure ERROR/TERMINATED, the
 * message is the cluster's `StateMessage`) and service/jobs/api.go `WaitGetRunJobTerminatedOrSkipped`
 * (target TERMINATED or SKIPPED, failure INTERNAL_ERROR, the message is `State.StateMessage`).
 */
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabricksClient } from "../src/index.js";
import { waitForCluster, waitForRun } from "../src/waiters/index.js";
import { type Reply, scriptedClient } from "./scripted-client.js";

const APIM = "https://apim.example.net";
const FAST = { interval: { initial: 1, max: 2 } };
const CLUSTER_TAIL =
  "(GET /api/2.1/clusters/get). Raise the waiter's timeout, or check the cluster in the workspace.";

const scripted = (...script: Reply[]) => scriptedClient("sk-poll-0123456789abcdef", ...script);

const listeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

afterEach(() => {
  vi.useRealTimers();
});

describe("poll options", () => {
  it.each([
    [{ timeout: 0 }, "timeout must be a number of ms ≥ 1 (got 0)"],
    [{ timeout: Number.NaN }, "timeout must be a number of ms ≥ 1 (got NaN)"],
    [{ interval: { initial: -1 } }, "interval.initial must be a number of ms ≥ 0 (got -1)"],
    [
      { interval: { max: Number.POSITIVE_INFINITY } },
      "interval.max must be a number of ms ≥ 0 (got Infinity)",
    ],
  ])("names the option that is wrong (%j) before polling", async (options, problem) => {
    const { client, sent } = scripted({ state: "RUNNING" });
    const error = await waitForCluster(client, "c-1", options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(`Failed to wait for cluster c-1: ${problem}.`);
    expect(sent).toHaveLength(0);
  });
});

describe("poll errors, whole", () => {
  it("leaves out the state message when the server gave none", async () => {
    const { client } = scripted({ state: "PENDING" }, { state: "ERROR", state_message: "" });
    const error = await waitForCluster(client, "c-1", FAST).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "Cluster c-1 ended in ERROR while waiting for RUNNING (GET /api/2.1/clusters/get). " +
        "The cluster's event log (POST /api/2.1/clusters/events) has the details.",
    );
    expect(error).toMatchObject({ state: "ERROR", stateMessage: undefined, errorCode: undefined });
  });

  it("names every target state of a run, in the failure and in the timeout", async () => {
    const failed = await waitForRun(
      scripted({ run_id: 42, state: { life_cycle_state: "INTERNAL_ERROR", state_message: "Driver lost" } })
        .client,
      42,
      FAST,
    ).catch((e: unknown) => e);
    expect((failed as Error).message).toBe(
      "Run 42 ended in INTERNAL_ERROR while waiting for TERMINATED/SKIPPED: Driver lost (GET /api/2.2/jobs/runs/get). " +
        "The run page (run_page_url) and jobs/runs/get-output have the details.",
    );
    const late = await waitForRun(
      scripted({ run_id: 42, state: { life_cycle_state: "RUNNING" } }).client,
      42,
      {
        timeout: 150,
        interval: { initial: 5, max: 5 },
      },
    ).catch((e: unknown) => e);
    expect((late as Error).message).toBe(
      "Timed out after 150 ms waiting for run 42 to reach TERMINATED/SKIPPED; last state RUNNING " +
        "(GET /api/2.2/jobs/runs/get). Raise the waiter's timeout, or check the run in the workspace.",
    );
  });

  it.each([
    [{ state: "PENDING", state_message: "Waiting for nodes" }, "last state PENDING (Waiting for nodes)"],
    [{ state: "PENDING", state_message: undefined }, "last state PENDING"],
  ])("says what it saw last when the timeout passes (%j)", async (answer, seen) => {
    const { client } = scripted(answer);
    const error = await waitForCluster(client, "c-1", {
      timeout: 150,
      interval: { initial: 5, max: 5 },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Timed out after 150 ms waiting for cluster c-1 to reach RUNNING; ${seen} ${CLUSTER_TAIL}`,
    );
    expect(error).toMatchObject({
      name: "WaitTimeoutError",
      method: "GET",
      path: "/api/2.1/clusters/get",
      state: "PENDING",
      stateMessage: answer.state_message,
    });
  });

  // House rule "a token never appears in an error": a server message can echo a bearer token.
  it("redacts a bearer JWT that a state message repeats, in the failure and the timeout", async () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmNkZWZnaCJ9.c2lnbmF0dXJlMTIz";
    const answer = { state: "ERROR", state_message: `Init failed with Bearer ${jwt}` };
    const failed = await waitForCluster(scripted(answer).client, "c-1", FAST).catch((e: unknown) => e);
    const late = await waitForCluster(scripted({ ...answer, state: "PENDING" }).client, "c-1", {
      timeout: 150,
      interval: { initial: 5, max: 5 },
    }).catch((e: unknown) => e);
    for (const error of [failed, late]) {
      expect(error).toMatchObject({ stateMessage: "Init failed with Bearer [REDACTED]" });
      expect((error as Error).message).toContain("Init failed with Bearer [REDACTED]");
      expect(JSON.stringify(error)).not.toContain("eyJ");
    }
  });
});

describe("poll progress and the caller's signal", () => {
  it("tells onProgress the time since the wait started", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const elapsed: number[] = [];
    const client = createDatabricksClient({
      apimUrl: APIM,
      subscriptionKey: "sk-poll-0123456789abcdef",
      maxRetries: 0,
      // Each poll "takes" 1.5 s of the faked clock; the real pauses stay 1–2 ms.
      fetch: async () => {
        vi.setSystemTime(Date.now() + 1_500);
        return Response.json({ state: elapsed.length < 2 ? "PENDING" : "RUNNING" });
      },
    });
    await waitForCluster(client, "c-1", {
      ...FAST,
      onProgress: (_, progress) => elapsed.push(progress.elapsed),
    });
    expect(elapsed).toEqual([1_500, 3_000, 4_500]);
  });

  it("rejects with the signal's reason when onProgress aborts and then throws", async () => {
    const { client } = scripted({ state: "PENDING" });
    const controller = new AbortController();
    const reason = new Error("user pressed stop");
    const waiting = waitForCluster(client, "c-1", {
      ...FAST,
      signal: controller.signal,
      onProgress: () => {
        controller.abort(reason);
        throw new Error("progress display gone");
      },
    });
    await expect(waiting).rejects.toBe(reason);
  });

  // A long-lived signal (an app's shutdown signal) is shared by many waits: each must take its listener away.
  it.each([
    ["reaches its target", { state: "RUNNING" }, {}],
    ["fails", { state: "ERROR" }, {}],
    ["times out", { state: "PENDING" }, { timeout: 20 }],
  ])("leaves the caller's signal without a listener once the wait %s", async (_, answer, extra) => {
    const { client } = scripted(answer);
    const controller = new AbortController();
    await waitForCluster(client, "c-1", { ...FAST, ...extra, signal: controller.signal }).catch(
      () => undefined,
    );
    expect(listeners(controller.signal)).toBe(0);
  });
});
