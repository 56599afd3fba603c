/**
 * Timeouts, broken bodies and cancellation over real HTTP: a response that never starts, a body
 * that stalls or is cut short, and an AbortSignal that fires while an attempt is in flight or while
 * the client waits between attempts.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { DatabricksConnectionError, DatabricksTimeoutError, unwrap } from "../../src/index.js";
import { cutBody, hang, json, raw, stallBody } from "./fault-server.js";
import {
  activeTimers,
  clientFor,
  expectNoSecrets,
  expectNothingLeftBehind,
  failure,
  useFaultServer,
} from "./setup.js";

const faults = useFaultServer();

/** A handle on the garbage collector, to check that aborts survive a collection mid-attempt. */
function garbageCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
const LIST = "GET /api/2.1/clusters/list";
const CREATE = "POST /api/2.1/clusters/create";
const list = (client: ReturnType<typeof clientFor>, init: Record<string, unknown> = {}) =>
  unwrap(client.GET("/api/2.1/clusters/list", init));

describe("per-attempt timeout", () => {
  it("times out headers that never come, retries the GET, then raises DatabricksTimeoutError", async () => {
    const { server } = faults;
    server.on(LIST, hang());
    const before = activeTimers();
    const client = clientFor(server, { timeout: 150, maxRetries: 1 });
    const { error, elapsed } = await failure(() => list(client));
    expect(server.count(LIST)).toBe(2);
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(error).toMatchObject({
      name: "DatabricksTimeoutError",
      method: "GET",
      path: "/api/2.1/clusters/list",
      status: undefined,
    });
    expect((error as Error).message).toMatch(/no response headers within 150 ms .*2 attempts.*Raise timeout/);
    expect(elapsed).toBeLessThan(5_000);
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("does not retry a timed-out clusters/create", async () => {
    const { server } = faults;
    server.on(CREATE, hang());
    const before = activeTimers();
    const client = clientFor(server, { timeout: 100 });
    const { error } = await failure(() =>
      client.POST("/api/2.1/clusters/create", { body: { spark_version: "x" } }),
    );
    expect(server.count(CREATE)).toBe(1);
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(
      /Not retried: POST \/api\/2\.1\/clusters\/create is not safe to repeat/,
    );
    await expectNothingLeftBehind(server, before);
  });

  it("times out a body that stalls half-way, and retries it", async () => {
    const { server } = faults;
    server.on(
      LIST,
      stallBody(200, '{"clusters": [{"cluster_id": "c-1"'),
      json(200, { clusters: [{ cluster_id: "c-2" }] }),
    );
    const before = activeTimers();
    const page = await list(clientFor(server, { timeout: 150 }));
    expect(page.clusters?.[0]?.cluster_id).toBe("c-2");
    expect(server.count(LIST)).toBe(2);
    await expectNothingLeftBehind(server, before);
  });

  it("reports a stalled body as a timeout of the body, not the headers", async () => {
    const { server } = faults;
    server.on(LIST, stallBody(200, '{"clusters": ['));
    const { error } = await failure(() => list(clientFor(server), { timeout: 100, maxRetries: 0 }));
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(/no response body within 100 ms/);
  });

  it("takes per-call overrides over the client's settings", async () => {
    const { server } = faults;
    server.on(LIST, hang());
    const client = clientFor(server, { timeout: 60_000, maxRetries: 5 });
    const { error, elapsed } = await failure(() => list(client, { timeout: 80, maxRetries: 0 }));
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect(server.count(LIST)).toBe(1);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("bounds everything by totalTimeout, and says what failed before", async () => {
    const { server } = faults;
    server.on(
      LIST,
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { "retry-after": "0" }),
      hang(),
    );
    const before = activeTimers();
    const client = clientFor(server, { totalTimeout: 300, maxRetries: 10 });
    const { error, elapsed } = await failure(() => list(client));
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(
      /deadline \(totalTimeout 300 ms\) ran out.*attempt before failed with HTTP 503/,
    );
    expect(elapsed).toBeLessThan(3_000);
    await expectNothingLeftBehind(server, before);
  });
});

describe("broken bodies", () => {
  it("turns truncated JSON on a 200 into a typed error, after retrying the GET", async () => {
    const { server } = faults;
    server.on(LIST, raw(200, '{"clusters": [{"cluster_id": "c-1", "state": "RUN', "application/json"));
    const before = activeTimers();
    const { error } = await failure(() => list(clientFor(server, { maxRetries: 1 })));
    expect(server.count(LIST)).toBe(2);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(error).toMatchObject({ status: 200, errorCode: "INVALID_RESPONSE_BODY", method: "GET" });
    expect((error as Error).message).toMatch(
      /^Invalid response: the 200 response body \(\d+ bytes\) is not valid JSON/,
    );
    expect((error as Error).message).not.toContain("cluster_id");
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("recovers when the retry gets a whole body", async () => {
    const { server } = faults;
    server.on(LIST, raw(200, '{"clusters": [', "application/json"), json(200, { clusters: [] }));
    expect(await list(clientFor(server))).toEqual({ clusters: [] });
  });

  it("does not retry a non-idempotent POST whose 200 body is broken (it did take effect)", async () => {
    const { server } = faults;
    server.on(CREATE, raw(200, '{"cluster_id": "c-', "application/json"));
    const { error } = await failure(() =>
      clientFor(server).POST("/api/2.1/clusters/create", { body: { spark_version: "x" } }),
    );
    expect(server.count(CREATE)).toBe(1);
    expect(error).toMatchObject({ errorCode: "INVALID_RESPONSE_BODY" });
    expect((error as Error).message).toMatch(/Not retried/);
  });

  it("treats a connection closed mid-body (short of Content-Length) as a network error, retried for GET", async () => {
    const { server } = faults;
    server.on(LIST, cutBody(200, '{"clusters": [', 500), json(200, { clusters: [] }));
    expect(await list(clientFor(server))).toEqual({ clusters: [] });
    server.reset();
    server.on(LIST, cutBody(200, '{"clusters": [', 500));
    const { error } = await failure(() => list(clientFor(server), { maxRetries: 0 }));
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(error).not.toBeInstanceOf(DatabricksTimeoutError);
    expect((error as Error).message).toMatch(/^Network error: /);
  });
});

describe("cancellation", () => {
  it("aborts during a backoff sleep at once, with the signal's reason and nothing left running", async () => {
    const { server } = faults;
    server.on(
      LIST,
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { "retry-after": "30" }),
    );
    const controller = new AbortController();
    const before = activeTimers();
    const client = clientFor(server, { onRetry: () => setTimeout(() => controller.abort(), 50) });
    const { error, elapsed } = await failure(() => list(client, { signal: controller.signal }));
    expect(error).toMatchObject({ name: "AbortError" });
    expect(server.count(LIST)).toBe(1);
    expect(elapsed).toBeLessThan(2_000);
    await expectNothingLeftBehind(server, before);
  });

  it("aborts an attempt in flight and hangs up the connection", async () => {
    const { server } = faults;
    server.on(LIST, hang());
    const before = activeTimers();
    const reason = new Error("user went away");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    const { error, elapsed } = await failure(() => list(clientFor(server), { signal: controller.signal }));
    expect(error).toBe(reason);
    expect(server.count(LIST)).toBe(1);
    expect(elapsed).toBeLessThan(2_000);
    await expectNothingLeftBehind(server, before);
  });

  it("still hangs up when garbage collection runs during the attempt (undici's weakly linked Request signals)", async () => {
    const { server } = faults;
    server.on(LIST, hang());
    const gc = garbageCollector();
    const before = activeTimers();
    const pending = failure(() => list(clientFor(server), { timeout: 300, maxRetries: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    gc();
    const { error } = await pending;
    expect(error).toBeInstanceOf(DatabricksTimeoutError);
    await expectNothingLeftBehind(server, before);
  });

  it("rejects at once when the signal is already aborted, sending nothing", async () => {
    const { server } = faults;
    server.on(LIST, json(200, {}));
    await expect(list(clientFor(server), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(server.count(LIST)).toBe(0);
  });
});
