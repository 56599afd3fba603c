/**
 * Retries over real HTTP: what is retried (429/503 always; resets, 502/504 and APIM backend
 * failures only when safe to repeat), how long the client waits, and what surfaces at the end.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import {
  ApimGatewayError,
  DatabricksApiError,
  DatabricksConnectionError,
  RequestLimitExceeded,
  type RetryEvent,
  TemporarilyUnavailable,
  unwrap,
} from "../../src/index.js";
import { json, raw, reset } from "./fault-server.js";
import {
  activeTimers,
  clientFor,
  expectNoSecrets,
  expectNothingLeftBehind,
  failure,
  KEY,
  useFaultServer,
} from "./setup.js";

const faults = useFaultServer();

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const GET_CLUSTER = "GET /api/2.1/clusters/get";
const CREATE = "POST /api/2.1/clusters/create";
const getCluster = (client: ReturnType<typeof clientFor>, init: Record<string, unknown> = {}) =>
  unwrap(client.GET("/api/2.1/clusters/get", { params: { query: { cluster_id: "c-1" } }, ...init }));
const rateLimited = (seconds: string) =>
  json(
    429,
    { statusCode: 429, message: `Rate limit is exceeded. Try again in ${seconds} seconds.` },
    { "retry-after": seconds },
  );

describe("429 and 503: retried for every method", () => {
  it("waits out Retry-After (APIM 429), then succeeds", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, rateLimited("0.2"), json(200, { cluster_id: "c-1", state: "RUNNING" }));
    const events: RetryEvent[] = [];
    const started = Date.now();
    const cluster = await getCluster(clientFor(server, { onRetry: (event) => events.push(event) }));
    expect(cluster.state).toBe("RUNNING");
    expect(server.count(GET_CLUSTER)).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(events).toEqual([
      { attempt: 1, delay: 200, reason: "429", method: "GET", path: "/api/2.1/clusters/get" },
    ]);
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const { server } = faults;
    const soon = new Date(Date.now() + 1_000).toUTCString();
    server.on(
      GET_CLUSTER,
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { "retry-after": soon }),
      json(200, {}),
    );
    const events: RetryEvent[] = [];
    await getCluster(clientFor(server, { onRetry: (event) => events.push(event) }));
    expect(events[0]!.delay).toBeGreaterThan(0);
    expect(events[0]!.delay).toBeLessThanOrEqual(1_000);
  });

  // Both official SDKs wait throttling out for 300 s (databricks-sdk-go config/api_client.go
  // RetryTimeout; databricks-sdk-py _base_client.py retry_timeout_seconds): maxRetries does not cut it short.
  it("waits a 429 storm out until totalTimeout, past maxRetries, then surfaces the last 429", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, rateLimited("0.01"));
    const before = activeTimers();
    const { error, elapsed } = await failure(() =>
      getCluster(clientFor(server, { maxRetries: 2, totalTimeout: 400 })),
    );
    expect(server.count(GET_CLUSTER)).toBeGreaterThan(3);
    // The deadline may cut the last attempt short: then the timeout names the 429 before it.
    if (String(error).includes("deadline")) expect(String(error)).toMatch(/HTTP 429/);
    else
      expect(error).toMatchObject({
        name: "ApimGatewayError",
        status: 429,
        retryAfter: 10,
        reason: "rate-limited",
        method: "GET",
        path: "/api/2.1/clusters/get",
      });
    expect(elapsed).toBeLessThan(5_000);
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("retries nothing with maxRetries: 0, throttling included", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, rateLimited("0.01"));
    await expect(getCluster(clientFor(server, { maxRetries: 0 }))).rejects.toMatchObject({ status: 429 });
    expect(server.count(GET_CLUSTER)).toBe(1);
  });

  it("does not wait out a Retry-After longer than 60 s: the caller gets it at once", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, rateLimited("120"));
    const { error, elapsed } = await failure(() => getCluster(clientFor(server)));
    expect(server.count(GET_CLUSTER)).toBe(1);
    expect(error).toMatchObject({ status: 429, retryAfter: 120_000 });
    expect(elapsed).toBeLessThan(2_000);
  });

  it("retries a Databricks 429 and a 503 on a non-idempotent POST (the request was not processed)", async () => {
    const { server } = faults;
    server.on(
      CREATE,
      json(429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "retry-after": "0" }),
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { "retry-after": "0" }),
      json(200, { cluster_id: "c-9" }),
    );
    const client = clientFor(server);
    const created = await unwrap(
      client.POST("/api/2.1/clusters/create", { body: { spark_version: "15.4.x-scala2.12" } }),
    );
    expect(created.cluster_id).toBe("c-9");
    expect(server.count(CREATE)).toBe(3);
    // The body is replayed unchanged on every attempt.
    expect(new Set(server.seen.map((request) => request.body))).toEqual(
      new Set(['{"spark_version":"15.4.x-scala2.12"}']),
    );
  });

  it("retries a 503 without Retry-After with backoff, then succeeds", async () => {
    const { server } = faults;
    server.on(
      GET_CLUSTER,
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }),
      json(200, { state: "PENDING" }),
    );
    const events: RetryEvent[] = [];
    expect((await getCluster(clientFor(server, { onRetry: (event) => events.push(event) }))).state).toBe(
      "PENDING",
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.delay).toBeGreaterThanOrEqual(375);
    expect(events[0]!.delay).toBeLessThanOrEqual(500);
  });

  it("surfaces a Databricks 429 as RequestLimitExceeded when retries are off", async () => {
    const { server } = faults;
    server.on(
      GET_CLUSTER,
      json(429, { error_code: "REQUEST_LIMIT_EXCEEDED", message: "slow down" }, { "retry-after": "3" }),
    );
    const { error } = await failure(() => getCluster(clientFor(server), { maxRetries: 0 }));
    expect(error).toBeInstanceOf(RequestLimitExceeded);
    expect(error).toMatchObject({ status: 429, retryAfter: 3_000, errorCode: "REQUEST_LIMIT_EXCEEDED" });
    expect(server.count(GET_CLUSTER)).toBe(1);
  });
});

describe("connection resets: retried only when the request is safe to repeat", () => {
  it("retries a GET whose connection was reset before the headers", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, reset(), json(200, { cluster_id: "c-1", state: "RUNNING" }));
    const events: RetryEvent[] = [];
    const cluster = await getCluster(clientFor(server, { onRetry: (event) => events.push(event) }));
    expect(cluster.cluster_id).toBe("c-1");
    expect(server.count(GET_CLUSTER)).toBe(2);
    expect(events.map((event) => event.reason)).toEqual(["network"]);
  });

  it("does not retry clusters/create: exactly one request, and a typed connection error", async () => {
    const { server } = faults;
    server.on(CREATE, reset(), json(200, { cluster_id: "never" }));
    const before = activeTimers();
    const client = clientFor(server);
    const { error, elapsed } = await failure(() =>
      client.POST("/api/2.1/clusters/create", { body: { spark_version: "x" } }),
    );
    expect(server.count(CREATE)).toBe(1);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect(error).toMatchObject({
      name: "DatabricksConnectionError",
      method: "POST",
      path: "/api/2.1/clusters/create",
    });
    expect((error as Error).message).toMatch(
      /^Network error: .*ECONNRESET.*Not retried: .*not safe to repeat/,
    );
    expect((error as Error).cause).toBeDefined();
    expect(elapsed).toBeLessThan(2_000);
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("retries a POST the spec marks safe to repeat (clusters/events)", async () => {
    const { server } = faults;
    server.on("POST /api/2.1/clusters/events", reset(), json(200, { events: [] }));
    await unwrap(clientFor(server).POST("/api/2.1/clusters/events", { body: { cluster_id: "c-1" } }));
    expect(server.count("POST /api/2.1/clusters/events")).toBe(2);
  });

  it("retries jobs/run-now only when it carries an idempotency token", async () => {
    const { server } = faults;
    const RUN_NOW = "POST /api/2.2/jobs/run-now";
    server.on(RUN_NOW, reset(), json(200, { run_id: 7 }));
    const client = clientFor(server);
    await unwrap(client.POST("/api/2.2/jobs/run-now", { body: { job_id: 1, idempotency_token: "tok-1" } }));
    expect(server.count(RUN_NOW)).toBe(2);
    server.reset();
    server.on(RUN_NOW, reset(), json(200, { run_id: 7 }));
    await expect(client.POST("/api/2.2/jobs/run-now", { body: { job_id: 1 } })).rejects.toBeInstanceOf(
      DatabricksConnectionError,
    );
    expect(server.count(RUN_NOW)).toBe(1);
  });

  it("raises the last network error after maxRetries, naming the attempts", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, reset());
    const { error } = await failure(() => getCluster(clientFor(server), { maxRetries: 1 }));
    expect(server.count(GET_CLUSTER)).toBe(2);
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect((error as Error).message).toMatch(
      /\(GET \/api\/2\.1\/clusters\/get, 2 attempts\)\. Check connectivity/,
    );
  });

  it("reports a refused connection as DatabricksConnectionError", async () => {
    const client = clientFor(faults.server, {
      apimUrl: `http://127.0.0.1:${await closedPort()}`,
      maxRetries: 0,
    });
    const { error } = await failure(() => getCluster(client));
    expect(error).toBeInstanceOf(DatabricksConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expectNoSecrets(error);
  });
});

describe("gateway failures", () => {
  const htmlPage =
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";

  it("retries an HTML 502 page on a GET and surfaces the last one with its status", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, raw(502, htmlPage, "text/html"));
    const before = activeTimers();
    const { error, elapsed } = await failure(() => getCluster(clientFor(server), { maxRetries: 1 }));
    expect(server.count(GET_CLUSTER)).toBe(2);
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect(error).toMatchObject({ status: 502, method: "GET" });
    expect((error as Error).message).toContain("502 Bad Gateway");
    expect(elapsed).toBeLessThan(5_000);
    expectNoSecrets(error);
    await expectNothingLeftBehind(server, before);
  });

  it("does not retry a 502 on clusters/create", async () => {
    const { server } = faults;
    server.on(CREATE, raw(502, htmlPage, "text/html"));
    await expect(
      unwrap(clientFor(server).POST("/api/2.1/clusters/create", { body: { spark_version: "x" } })),
    ).rejects.toMatchObject({ status: 502 });
    expect(server.count(CREATE)).toBe(1);
  });

  it("retries APIM's backend-failure 500 on a GET, and keeps its activityId (key redacted)", async () => {
    const { server } = faults;
    const body = {
      statusCode: 500,
      message: `Internal server error (key ${KEY})`,
      activityId: "7c1f3a52-0000-4000-8000-000000000001",
    };
    server.on(GET_CLUSTER, json(500, body), json(500, body));
    const { error } = await failure(() => getCluster(clientFor(server), { maxRetries: 1 }));
    expect(server.count(GET_CLUSTER)).toBe(2);
    expect(error).toBeInstanceOf(ApimGatewayError);
    expect(error).toMatchObject({
      status: 500,
      reason: "backend-failure",
      activityId: body.activityId,
      requestId: body.activityId,
    });
    expect((error as Error).message).toContain("[REDACTED]");
    expectNoSecrets(error);
  });

  it("does not retry a Databricks 500 (the request was processed and failed)", async () => {
    const { server } = faults;
    server.on(GET_CLUSTER, json(500, { error_code: "INTERNAL_ERROR", message: "boom" }));
    await expect(getCluster(clientFor(server))).rejects.toMatchObject({
      status: 500,
      errorCode: "INTERNAL_ERROR",
    });
    expect(server.count(GET_CLUSTER)).toBe(1);
  });

  it("retries a 503 that TemporarilyUnavailable describes until totalTimeout, past maxRetries", async () => {
    const { server } = faults;
    server.on(
      GET_CLUSTER,
      json(503, { error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }, { "retry-after": "0.02" }),
    );
    const { error } = await failure(() =>
      getCluster(clientFor(server, { maxRetries: 3, totalTimeout: 400 })),
    );
    expect(server.count(GET_CLUSTER)).toBeGreaterThan(4);
    // The last 503, or (when the deadline left the last attempt only a few ms) a timeout naming it.
    if (!(error instanceof TemporarilyUnavailable)) expect(String(error)).toMatch(/deadline.*HTTP 503/);
  });

  // databricks-sdk-go config/api_client.go: TransientErrors ["REQUEST_LIMIT_EXCEEDED"], a workaround
  // for SCIM answering throttling with a 500 (a plain Databricks 500 is not retried, above).
  it("retries SCIM's 500 that says REQUEST_LIMIT_EXCEEDED", async () => {
    const { server } = faults;
    const LIST_USERS = "GET /api/2.0/preview/scim/v2/Users";
    server.on(
      LIST_USERS,
      json(500, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
        detail: "Error in performing the request due to REQUEST_LIMIT_EXCEEDED",
        status: "500",
      }),
      json(200, { Resources: [], totalResults: 0 }),
    );
    const events: RetryEvent[] = [];
    const client = clientFor(server, { onRetry: (event) => events.push(event) });
    await unwrap(client.GET("/api/2.0/preview/scim/v2/Users"));
    expect(server.count(LIST_USERS)).toBe(2);
    expect(events[0]?.reason).toBe("500 transient");
  });

  // databricks-sdk-go apierr/error_overrides.go allTransientErrors: "ClusterNotReadyException".
  it("retries a transient platform error on clusters/create, past maxRetries", async () => {
    const { server } = faults;
    server.on(
      CREATE,
      json(400, { error_code: "INVALID_STATE", message: "ClusterNotReadyException: pool warming" }),
      json(400, { error_code: "INVALID_STATE", message: "ClusterNotReadyException: pool warming" }),
      json(200, { cluster_id: "c-2" }),
    );
    const client = clientFor(server, { maxRetries: 1 });
    const created = await unwrap(
      client.POST("/api/2.1/clusters/create", { body: { spark_version: "15.4" } as never }),
    );
    expect(created).toMatchObject({ cluster_id: "c-2" });
    expect(server.count(CREATE)).toBe(3);
  });
});
