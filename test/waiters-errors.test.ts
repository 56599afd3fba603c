/**
 * The waiters' typed errors (src/waiters/errors.ts) as a caller meets them: their JSON form (what a
 * log line gets) and the guards that recognise them across package copies, which `instanceof`
 * cannot (two installed copies each have their own classes).
 */
import { describe, expect, it } from "vitest";
import { createDatabricksClient, DatabricksApimError } from "../src/index.js";
import {
  isOperationFailedError,
  isWaitTimeoutError,
  OperationFailedError,
  WaitTimeoutError,
  waitForCluster,
} from "../src/waiters/index.js";

/** A client whose every clusters/get answers `answer`. */
const answering = (answer: unknown) =>
  createDatabricksClient({
    apimUrl: "https://apim.example.net",
    subscriptionKey: "sk-errors-0123456789abcdef",
    maxRetries: 0,
    fetch: async () => Response.json(answer),
  });

const timeoutError = async () =>
  (await waitForCluster(answering({ state: "PENDING", state_message: "Waiting for nodes" }), "c-1", {
    timeout: 150,
    interval: { initial: 5, max: 5 },
  }).catch((error: unknown) => error)) as WaitTimeoutError;

const failedError = async () =>
  (await waitForCluster(
    answering({
      state: "ERROR",
      state_message: "Init script failed",
      termination_reason: { code: "INIT_SCRIPT_FAILURE" },
    }),
    "c-1",
    { interval: { initial: 1, max: 1 } },
  ).catch((error: unknown) => error)) as OperationFailedError;

/** What another installed copy of the package would throw: same shape and name, other classes. */
function foreign(name: string): Error {
  return Object.assign(new Error("from another copy"), { name, method: "GET", path: "/", details: [] });
}

describe("waiter errors in JSON", () => {
  it("gives a timeout's fields, its timeout included", async () => {
    const error = await timeoutError();
    expect(error.name).toBe("WaitTimeoutError");
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "WaitTimeoutError",
      message:
        "Timed out after 150 ms waiting for cluster c-1 to reach RUNNING; last state PENDING (Waiting for nodes) " +
        "(GET /api/2.1/clusters/get). Raise the waiter's timeout, or check the cluster in the workspace.",
      details: [],
      method: "GET",
      path: "/api/2.1/clusters/get",
      resource: "cluster",
      resourceId: "c-1",
      state: "PENDING",
      stateMessage: "Waiting for nodes",
      timeout: 150,
    });
  });

  it("gives a failure's fields, its error code included", async () => {
    const error = await failedError();
    expect(error.name).toBe("OperationFailedError");
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "OperationFailedError",
      message:
        "Cluster c-1 ended in ERROR while waiting for RUNNING: Init script failed (GET /api/2.1/clusters/get). " +
        "The cluster's event log (POST /api/2.1/clusters/events) has the details.",
      errorCode: "INIT_SCRIPT_FAILURE",
      details: [],
      method: "GET",
      path: "/api/2.1/clusters/get",
      resource: "cluster",
      resourceId: "c-1",
      state: "ERROR",
      stateMessage: "Init script failed",
    });
  });
});

describe("isOperationFailedError / isWaitTimeoutError", () => {
  it("tell the two apart, and from other errors", async () => {
    const [late, failed] = [await timeoutError(), await failedError()];
    expect([isWaitTimeoutError(late), isOperationFailedError(late)]).toEqual([true, false]);
    expect([isWaitTimeoutError(failed), isOperationFailedError(failed)]).toEqual([false, true]);
    const other = new DatabricksApimError("x", { method: "GET", path: "/" });
    for (const value of [other, new Error("x"), undefined, "WaitTimeoutError"]) {
      expect([isWaitTimeoutError(value), isOperationFailedError(value)]).toEqual([false, false]);
    }
  });

  it("recognise both from another copy of the package, by name and shape", () => {
    expect(isWaitTimeoutError(foreign("WaitTimeoutError"))).toBe(true);
    expect(isOperationFailedError(foreign("OperationFailedError"))).toBe(true);
    // A plain object or an Error without the DatabricksApimError fields is not one, whatever its name.
    expect(isOperationFailedError({ name: "OperationFailedError" })).toBe(false);
    expect(isWaitTimeoutError(Object.assign(new Error("x"), { name: "WaitTimeoutError" }))).toBe(false);
  });

  it("recognise an application's subclass that renamed itself", () => {
    const init = { method: "GET", path: "/", resource: "cluster" as const, resourceId: "c-1" };
    class ClusterBroken extends OperationFailedError {
      override name = "ClusterBroken";
    }
    class ClusterSlow extends WaitTimeoutError {
      override name = "ClusterSlow";
    }
    const broken = new ClusterBroken("x", { ...init, state: "ERROR", stateMessage: undefined });
    const slow = new ClusterSlow("x", { ...init, state: undefined, stateMessage: undefined, timeout: 1 });
    expect([isOperationFailedError(broken), isWaitTimeoutError(broken)]).toEqual([true, false]);
    expect([isWaitTimeoutError(slow), isOperationFailedError(slow)]).toEqual([true, false]);
  });
});
