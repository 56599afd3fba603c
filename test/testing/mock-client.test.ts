/**
 * `mock.client()`: the one-call client for a mock. It must point at the mock's gateway with an
 * accepted key, and fail fast (no retries, so no real backoff sleeps) unless the test asks for retries.
 */
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../../src/index.js";
import { createDatabricksHttp, createDatabricksMock, databricksError } from "../../src/testing/index.js";
import { isMswMissing, MSW_MISSING } from "../../src/testing/msw.js";

const mock = createDatabricksMock({ apimUrl: "https://apim.client-test.test", apiSuffix: "dbw-07" });
const rotated = createDatabricksMock({
  apimUrl: "https://apim.rotated.test",
  keys: ["first-key", "second-key"],
});
const server = setupServer(...mock.handlers, ...rotated.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  mock.reset();
  rotated.reset();
});
afterAll(() => server.close());

describe("mock.client()", () => {
  it("calls the mock's gateway URL and suffix with an accepted key", async () => {
    const me = await unwrap(mock.client().GET("/api/2.0/preview/scim/v2/Me"));
    expect(me.userName).toBeTruthy();
    expect(mock.gateway.requests).toMatchObject([
      { path: "/api/2.0/preview/scim/v2/Me", outcome: "forwarded" },
    ]);
  });

  it("uses the first of the mock's keys", async () => {
    await unwrap(rotated.client().GET("/api/2.1/clusters/list"));
    rotated.gateway.setKeys(["second-key"]);
    await expect(unwrap(rotated.client().GET("/api/2.1/clusters/list"))).rejects.toMatchObject({
      name: "ApimGatewayError",
      reason: "invalid-subscription-key",
    });
  });

  it("does not retry by default: a 429 reaches the test after one request", async () => {
    const http = createDatabricksHttp({ baseUrl: mock.baseUrl });
    let calls = 0;
    server.use(
      http.post("/api/2.2/jobs/run-now", () => {
        calls += 1;
        return databricksError(429, "REQUEST_LIMIT_EXCEEDED", "Too many runs");
      }),
    );
    await expect(
      unwrap(mock.client().POST("/api/2.2/jobs/run-now", { body: { job_id: 1001 } })),
    ).rejects.toMatchObject({ name: "RequestLimitExceeded", status: 429 });
    expect(calls).toBe(1);
  });

  it("takes client options, which win over the default: maxRetries to exercise retries", async () => {
    // Retry-After: 0 (not the gateway's throttle, which like APIM says at least 1 s), so nothing sleeps.
    const http = createDatabricksHttp({ baseUrl: mock.baseUrl });
    let calls = 0;
    server.use(
      http.get("/api/2.1/clusters/list", () => {
        calls += 1;
        if (calls > 2) return { clusters: [] };
        return new Response(JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }), {
          status: 503,
          headers: { "Content-Type": "application/json", "Retry-After": "0" },
        });
      }),
    );
    const retries: number[] = [];
    const client = mock.client({ maxRetries: 2, onRetry: ({ attempt }) => retries.push(attempt) });
    await expect(unwrap(client.GET("/api/2.1/clusters/list"))).resolves.toEqual({ clusters: [] });
    expect(retries).toEqual([1, 2]);
    expect(calls).toBe(3);
  });

  it("refuses to build a client for a mock that accepts no key", () => {
    expect(() => createDatabricksMock({ keys: [] }).client()).toThrow(/accepts no key/);
  });
});

describe("the msw-missing hint", () => {
  // Node's message for a bare specifier it cannot find: "Cannot find package 'x' imported from …".
  const notFound = (name: string) =>
    Object.assign(
      new Error(
        `Cannot find package '${name}' imported from /app/node_modules/databricks-apim/dist/testing/msw.js`,
      ),
      {
        code: "ERR_MODULE_NOT_FOUND",
      },
    );

  it("recognises msw itself missing, and nothing else", () => {
    expect(isMswMissing(notFound("msw"))).toBe(true);
    expect(isMswMissing(notFound("graphql"))).toBe(false); // broken msw install: keep Node's own message
    expect(isMswMissing(new SyntaxError("Unexpected token 'msw'"))).toBe(false);
    expect(MSW_MISSING).toContain("npm install -D msw");
  });
});
